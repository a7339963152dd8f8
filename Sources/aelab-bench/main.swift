print("aelab-bench")

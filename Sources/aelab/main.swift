import AELabCLI

AELab.main()

import AELabCLI
import TensorCore

BLASKernel.preferFasterKernel()
AELab.main()

import TensorCore

/// A 2-D convolution with the layout of `torch.nn.Conv2d` (square kernel, no dilation, no groups).
///
/// x: [batch, inC, H, W], weight: [outC, inC, k, k], bias: [outC] -> y: [batch, outC, OH, OW],
/// OH = ⌊(H + 2p − k)/s⌋ + 1.
public final class Conv2d: Module {
    public let weight: Parameter
    public let bias: Parameter
    public let stride: Int
    public let padding: Int

    public init(weight: Tensor, bias: Tensor, stride: Int, padding: Int) {
        precondition(weight.rank == 4 && weight.shape[2] == weight.shape[3] && bias.shape == [weight.shape[0]],
                     "Conv2d: weight \(weight.shape) and bias \(bias.shape) do not fit")
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
        self.stride = stride
        self.padding = padding
    }

    public convenience init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                            initializer: Initializer = .glorotUniform(), using rng: inout RandomStream) {
        let shape = [outChannels, inChannels, kernel, kernel]
        let fanIn = inChannels * kernel * kernel, fanOut = outChannels * kernel * kernel
        let w = initializer.weight(shape: shape, fanIn: fanIn, fanOut: fanOut, using: &rng)
        self.init(weight: w, bias: initializer.bias(out: outChannels, in: fanIn, using: &rng), stride: stride, padding: padding)
    }

    public var inChannels: Int { weight.shape[1] }
    public var outChannels: Int { weight.shape[0] }
    public var kernel: Int { weight.shape[2] }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    /// The im2col scratch, reused from batch to batch (see `ConvolutionWorkspace`).
    let workspace = ConvolutionWorkspace()

    /// One product over the whole batch (`Variable.convolution2d`).
    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        Variable.convolution2d(x, weight: x.tape.watch(weight), bias: x.tape.watch(bias), stride: stride,
                               padding: padding, workspace: workspace)
    }
}

/// A transposed 2-D convolution with the layout of `torch.nn.ConvTranspose2d` (the gradient of a
/// convolution with respect to its input).
///
/// x: [batch, inC, H, W], weight: [inC, outC, k, k], bias: [outC] -> y: [batch, outC, OH, OW],
/// OH = (H − 1)·s − 2p + k + outputPadding.
public final class ConvTranspose2d: Module {
    public let weight: Parameter
    public let bias: Parameter
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int

    public init(weight: Tensor, bias: Tensor, stride: Int, padding: Int, outputPadding: Int) {
        precondition(weight.rank == 4 && weight.shape[2] == weight.shape[3] && bias.shape == [weight.shape[1]],
                     "ConvTranspose2d: weight \(weight.shape) and bias \(bias.shape) do not fit")
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    public convenience init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0, initializer: Initializer = .glorotUniform(),
                            using rng: inout RandomStream) {
        let shape = [inChannels, outChannels, kernel, kernel]
        // PyTorch's fans for a transposed convolution's weight [in, out, k, k]: fan-in out·k², fan-out in·k².
        let fanIn = outChannels * kernel * kernel, fanOut = inChannels * kernel * kernel
        let w = initializer.weight(shape: shape, fanIn: fanIn, fanOut: fanOut, using: &rng)
        self.init(weight: w, bias: initializer.bias(out: outChannels, in: fanIn, using: &rng), stride: stride,
                  padding: padding, outputPadding: outputPadding)
    }

    public var inChannels: Int { weight.shape[0] }
    public var outChannels: Int { weight.shape[1] }
    public var kernel: Int { weight.shape[2] }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    /// The col2im scratch, reused from batch to batch (see `ConvolutionWorkspace`).
    let workspace = ConvolutionWorkspace()

    /// The convolution's input gradient, over the whole batch (`Variable.transposedConvolution2d`).
    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        Variable.transposedConvolution2d(x, weight: x.tape.watch(weight), bias: x.tape.watch(bias), stride: stride,
                                         padding: padding, outputPadding: outputPadding, workspace: workspace)
    }
}

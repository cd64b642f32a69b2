import ModelGraph

/// How a window-based layer pads its input (Keras's `padding`).
public enum Padding: String, Sendable {
    /// No padding: windows stay inside the input.
    case valid
    /// Zero padding so that the output has ⌈input / stride⌉ positions; the extra
    /// goes after the input when the total is odd (TensorFlow's rule).
    case same
    /// Zero padding before the input only, so no output sees later steps (Conv1D).
    case causal
}

/// The extent and placement of one spatial axis of a window operation.
public struct WindowAxis: Sendable, Equatable {
    public let input: Int
    public let window: Int
    public let stride: Int
    public let dilation: Int
    public let padding: Padding

    public init(input: Int, window: Int, stride: Int, dilation: Int = 1, padding: Padding) {
        self.input = input
        self.window = window
        self.stride = stride
        self.dilation = dilation
        self.padding = padding
    }

    /// The window's reach including dilation: `(window − 1) · dilation + 1`.
    public var effectiveWindow: Int { (window - 1) * dilation + 1 }

    /// The number of output positions.
    public var output: Int {
        switch padding {
        case .valid: input >= effectiveWindow ? (input - effectiveWindow) / stride + 1 : 0
        case .same: (input + stride - 1) / stride
        case .causal: input > 0 ? (input - 1) / stride + 1 : 0
        }
    }

    /// Zero rows/columns added before the input.
    public var padBefore: Int {
        switch padding {
        case .valid: 0
        case .same: max((output - 1) * stride + effectiveWindow - input, 0) / 2
        case .causal: effectiveWindow - 1
        }
    }
}

/// How a 2-D window moves over `[H, W, C]` samples: its size, strides, dilation and padding.
public struct Window2D: Sendable {
    public let size: (Int, Int)
    public let strides: (Int, Int)
    public let dilation: (Int, Int)
    public let padding: Padding

    public init(size: (Int, Int), strides: (Int, Int), dilation: (Int, Int) = (1, 1), padding: Padding) {
        self.size = size
        self.strides = strides
        self.dilation = dilation
        self.padding = padding
    }

    /// The geometry of both spatial axes for an input of `[H, W, …]`.
    public func axes(for input: [Int]) -> (rows: WindowAxis, columns: WindowAxis) {
        (WindowAxis(input: input[0], window: size.0, stride: strides.0, dilation: dilation.0, padding: padding),
         WindowAxis(input: input[1], window: size.1, stride: strides.1, dilation: dilation.1, padding: padding))
    }

    /// The output's height and width for an input of `[H, W, …]`; throws when the window does not fit.
    func outputSize(for input: [Int], of layer: any Layer) throws -> (Int, Int) {
        let (rows, columns) = axes(for: input)
        guard rows.output > 0, columns.output > 0 else {
            throw LayerError(layer, "a \(size.0)×\(size.1) window does not fit an input of \(shapeDescription(input)) with '\(padding.rawValue)' padding")
        }
        return (rows.output, columns.output)
    }
}

/// A 2-D convolution over `[H, W, C]` samples (Keras's Conv2D; channels last),
/// with strides, dilation, `same`/`valid` padding and grouped channels.
public struct Conv2D: UnaryLayer {
    public let name: String
    public let filters: Int
    /// The window: the kernel's size with the strides, dilation and padding.
    public let window: Window2D
    public let groups: Int
    public let activation: Activation?
    /// Shape `[KH, KW, C / groups, filters]`.
    public let kernel: Tensor
    /// Shape `[filters]`, or nil without bias.
    public let bias: Tensor?

    public init(name: String, filters: Int, strides: (Int, Int), dilation: (Int, Int), padding: Padding, groups: Int,
                activation: Activation, kernel: Tensor, bias: Tensor?) {
        self.name = name
        self.filters = filters
        window = Window2D(size: (kernel.shape[0], kernel.shape[1]), strides: strides, dilation: dilation, padding: padding)
        self.groups = groups
        self.activation = activation
        self.kernel = kernel
        self.bias = bias
    }

    public var parameterCount: Int { kernel.count + (bias?.count ?? 0) }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3, input[2] == kernel.shape[2] * groups else {
            throw LayerError(self, "expects an [H, W, \(kernel.shape[2] * groups)] input, got \(shapeDescription(input))")
        }
        let (height, width) = try window.outputSize(for: input, of: self)
        return [height, width, filters]
    }

    public func forward(_ input: Tensor) -> Tensor {
        let (rows, columns) = window.axes(for: input.sampleShape)
        return apply(activation ?? .linear, to: convolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns, groups: groups))
    }
}

/// A depthwise 2-D convolution (Keras's DepthwiseConv2D): each input channel is
/// convolved with its own `depthMultiplier` filters; channel c, filter m gives
/// output channel `c · depthMultiplier + m`.
public struct DepthwiseConv2D: UnaryLayer {
    public let name: String
    public let window: Window2D
    public let activation: Activation?
    /// Shape `[KH, KW, C, depthMultiplier]`.
    public let kernel: Tensor
    /// Shape `[C · depthMultiplier]`, or nil.
    public let bias: Tensor?

    public init(name: String, strides: (Int, Int), dilation: (Int, Int), padding: Padding, activation: Activation,
                kernel: Tensor, bias: Tensor?) {
        self.name = name
        window = Window2D(size: (kernel.shape[0], kernel.shape[1]), strides: strides, dilation: dilation, padding: padding)
        self.activation = activation
        self.kernel = kernel
        self.bias = bias
    }

    public var parameterCount: Int { kernel.count + (bias?.count ?? 0) }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3, input[2] == kernel.shape[2] else {
            throw LayerError(self, "expects an [H, W, \(kernel.shape[2])] input, got \(shapeDescription(input))")
        }
        let (height, width) = try window.outputSize(for: input, of: self)
        return [height, width, kernel.shape[2] * kernel.shape[3]]
    }

    public func forward(_ input: Tensor) -> Tensor {
        let (rows, columns) = window.axes(for: input.sampleShape)
        return apply(activation ?? .linear, to: depthwiseConvolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns))
    }
}

/// A depthwise convolution followed by a 1×1 pointwise one (Keras's SeparableConv2D).
public struct SeparableConv2D: UnaryLayer {
    public let name: String
    /// The depthwise stage, without bias or activation.
    public let depthwise: DepthwiseConv2D
    /// The pointwise stage: a 1×1 Conv2D with the layer's bias and activation.
    public let pointwise: Conv2D

    public init(name: String, depthwise: DepthwiseConv2D, pointwise: Conv2D) {
        self.name = name
        self.depthwise = depthwise
        self.pointwise = pointwise
    }

    public var activation: Activation? { pointwise.activation }
    public var parameterCount: Int { depthwise.parameterCount + pointwise.parameterCount }

    public func outputShape(for input: [Int]) throws -> [Int] {
        try pointwise.outputShape(for: try depthwise.outputShape(for: input))
    }

    public func forward(_ input: Tensor) -> Tensor { pointwise.forward(depthwise.forward(input)) }
}

/// A 1-D convolution over `[steps, C]` samples (Keras's Conv1D), run as a Conv2D
/// of height 1; `causal` padding pads the start only.
public struct Conv1D: UnaryLayer {
    public let name: String
    /// The equivalent 2-D convolution, kernel `[1, K, C / groups, filters]`.
    public let conv: Conv2D

    public init(name: String, conv: Conv2D) {
        self.name = name
        self.conv = conv
    }

    public var activation: Activation? { conv.activation }
    public var parameterCount: Int { conv.parameterCount }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 2 else { throw LayerError(self, "expects a [steps, C] input, got \(shapeDescription(input))") }
        return Array(try conv.outputShape(for: [1] + input).dropFirst())
    }

    public func forward(_ input: Tensor) -> Tensor {
        let output = conv.forward(input.reshaped([input.batchSize, 1] + input.sampleShape))
        return output.reshaped([output.batchSize] + Array(output.sampleShape.dropFirst()))
    }
}

/// A transposed 2-D convolution (Keras's Conv2DTranspose): every input position
/// scatters its kernel-weighted values into a stride-spaced output, cropped by
/// TensorFlow's padding rule.
public struct Conv2DTranspose: UnaryLayer {
    public let name: String
    public let strides: (Int, Int)
    public let padding: Padding
    public let activation: Activation?
    /// Shape `[KH, KW, filters, C]` (Keras's layout: output channels before input ones).
    public let kernel: Tensor
    public let bias: Tensor?

    public init(name: String, strides: (Int, Int), padding: Padding, activation: Activation, kernel: Tensor, bias: Tensor?) {
        self.name = name
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.kernel = kernel
        self.bias = bias
    }

    public var parameterCount: Int { kernel.count + (bias?.count ?? 0) }

    /// Output length and the padding cropped from its start, along one axis.
    public func geometry(input: Int, window: Int, stride: Int) -> (length: Int, cropBefore: Int) {
        padding == .same ? (input * stride, max(window - stride, 0) / 2) : (input * stride + max(window - stride, 0), 0)
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3, input[2] == kernel.shape[3] else {
            throw LayerError(self, "expects an [H, W, \(kernel.shape[3])] input, got \(shapeDescription(input))")
        }
        return [geometry(input: input[0], window: kernel.shape[0], stride: strides.0).length,
                geometry(input: input[1], window: kernel.shape[1], stride: strides.1).length, kernel.shape[2]]
    }

    public func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (kh, kw, filters) = (kernel.shape[0], kernel.shape[1], kernel.shape[2])
        let rows = geometry(input: height, window: kh, stride: strides.0)
        let columns = geometry(input: width, window: kw, stride: strides.1)
        var output = [Float](repeating: 0, count: batch * rows.length * columns.length * filters)
        for n in 0..<batch {
            for iy in 0..<height {
                for ix in 0..<width {
                    let source = ((n * height + iy) * width + ix) * channels
                    for ky in 0..<kh {
                        let y = iy * strides.0 + ky - rows.cropBefore
                        guard y >= 0, y < rows.length else { continue }
                        for kx in 0..<kw {
                            let x = ix * strides.1 + kx - columns.cropBefore
                            guard x >= 0, x < columns.length else { continue }
                            let target = ((n * rows.length + y) * columns.length + x) * filters
                            let weights = (ky * kw + kx) * filters * channels
                            for f in 0..<filters {
                                var sum: Float = 0
                                for c in 0..<channels { sum += input.scalars[source + c] * kernel.scalars[weights + f * channels + c] }
                                output[target + f] += sum
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            for index in output.indices { output[index] += bias.scalars[index % filters] }
        }
        return apply(activation ?? .linear, to: Tensor(shape: [batch, rows.length, columns.length, filters], scalars: output))
    }
}

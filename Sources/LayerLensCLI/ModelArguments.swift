import ArgumentParser

/// The model file every command starts from.
struct ModelArguments: ParsableArguments {
    @Argument(help: "The Keras model file: .h5 (tf.keras 2.x or Keras 3) or .keras.")
    var model: String
}

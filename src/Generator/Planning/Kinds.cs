namespace NetGen.Generator;

// Mirrors of the runtime's NetGen.Activation and NetGen.LossKind (the generator cannot reference the runtime).
// A test checks that names and values stay identical.

internal enum ActivationKind
{
    Identity = 0,
    Sigmoid = 1,
    Tanh = 2,
    ReLU = 3,
    LeakyReLU = 4,
    ELU = 5,
    Softplus = 6,
}

internal enum LossKindMirror
{
    MeanSquaredError = 0,
    L1 = 1,
    Hinge = 2,
    SoftmaxCrossEntropy = 3,
    BinaryCrossEntropy = 4,
}

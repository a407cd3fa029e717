using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks;

/// <summary>
/// Whether a dense layer's forward product gains from weights packed into panels for its micro-kernel: the generated
/// 8-row x 32-column Vector512 tile, once over the weights as stored ([inputs, outputs], row-major, so a tile reads 128
/// bytes per input at a stride of one weight row) and once over the same weights packed as [outputs / 32][inputs][32]
/// (a tile streams one contiguous panel), plus the cost of packing them, which a training step would pay after every
/// update. Shapes: the MNIST MLP's hidden layer (392 KiB of weights, inside the 1 MiB L2), a 784 x 512 layer (1.5 MiB) and
/// a 1024 x 1024 layer (4 MiB). Results and the decision they support: benchmarks/RESULTS.md.
/// Run it alone with <c>dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --filter '*WeightLayout*'</c>.
/// </summary>
[BenchmarkCategory("Weight layout")]
public class WeightLayoutBenchmark
{
    private const int Rows = 64;
    private const int PanelWidth = 32;
    private float[] _x = Array.Empty<float>();
    private float[] _weights = Array.Empty<float>();
    private float[] _panels = Array.Empty<float>();
    private float[] _y = Array.Empty<float>();
    private int _inputs;
    private int _outputs;

    [Params("784x128", "784x512", "1024x1024")]
    public string Shape { get; set; } = "784x128";

    [GlobalSetup]
    public void Setup()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            throw new NotSupportedException("The tile under test is the Vector512 one.");
        }
        string[] sides = Shape.Split('x');
        _inputs = int.Parse(sides[0], System.Globalization.CultureInfo.InvariantCulture);
        _outputs = int.Parse(sides[1], System.Globalization.CultureInfo.InvariantCulture);
        var random = new Random(7);
        _x = new float[Rows * _inputs];
        _weights = new float[_inputs * _outputs];
        _panels = new float[_inputs * _outputs];
        _y = new float[Rows * _outputs];
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = random.NextSingle();
        }
        for (int i = 0; i < _weights.Length; i++)
        {
            _weights[i] = random.NextSingle() - 0.5f;
        }
        Pack();
        float[] expected = new float[_y.Length];
        Product(_weights, _outputs, expected);
        Product(_panels, PanelWidth, _y);
        if (!expected.AsSpan().SequenceEqual(_y))
        {
            throw new InvalidOperationException("The packed product differs from the row-major one.");
        }
    }

    [Benchmark(Baseline = true)]
    public void RowMajor() => Product(_weights, _outputs, _y);

    [Benchmark]
    public void Panels() => Product(_panels, PanelWidth, _y);

    [Benchmark]
    public void Pack()
    {
        int k = _inputs, n = _outputs;
        ref float source = ref _weights[0];
        ref float target = ref _panels[0];
        for (int panel = 0; panel < n / PanelWidth; panel++)
        {
            for (int i = 0; i < k; i++)
            {
                ref float from = ref Unsafe.Add(ref source, i * n + panel * PanelWidth);
                ref float to = ref Unsafe.Add(ref target, (panel * k + i) * PanelWidth);
                Vector512.LoadUnsafe(ref from).StoreUnsafe(ref to);
                Vector512.LoadUnsafe(ref from, 16).StoreUnsafe(ref to, 16);
            }
        }
    }

    /// <summary>y[64, n] = x[64, k] w, in 8 x 32 tiles; <paramref name="stride"/> is the distance between a tile's rows of w.</summary>
    private void Product(float[] weights, int stride, float[] y)
    {
        int k = _inputs, n = _outputs;
        bool packed = stride == PanelWidth;
        ref float a = ref _x[0];
        for (int r = 0; r < Rows; r += 8)
        {
            ref float ar = ref Unsafe.Add(ref a, r * k);
            for (int c = 0; c < n; c += PanelWidth)
            {
                ref float b = ref Unsafe.Add(ref weights[0], packed ? c * k : c);
                Vector512<float> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
                Vector512<float> s40 = default, s41 = default, s50 = default, s51 = default, s60 = default, s61 = default, s70 = default, s71 = default;
                for (int i = 0; i < k; i++)
                {
                    ref float bi = ref Unsafe.Add(ref b, i * stride);
                    Vector512<float> b0 = Vector512.LoadUnsafe(ref bi), b1 = Vector512.LoadUnsafe(ref bi, 16);
                    Vector512<float> x = Vector512.Create(Unsafe.Add(ref ar, i));
                    s00 = Vector512.FusedMultiplyAdd(x, b0, s00); s01 = Vector512.FusedMultiplyAdd(x, b1, s01);
                    x = Vector512.Create(Unsafe.Add(ref ar, k + i));
                    s10 = Vector512.FusedMultiplyAdd(x, b0, s10); s11 = Vector512.FusedMultiplyAdd(x, b1, s11);
                    x = Vector512.Create(Unsafe.Add(ref ar, 2 * k + i));
                    s20 = Vector512.FusedMultiplyAdd(x, b0, s20); s21 = Vector512.FusedMultiplyAdd(x, b1, s21);
                    x = Vector512.Create(Unsafe.Add(ref ar, 3 * k + i));
                    s30 = Vector512.FusedMultiplyAdd(x, b0, s30); s31 = Vector512.FusedMultiplyAdd(x, b1, s31);
                    x = Vector512.Create(Unsafe.Add(ref ar, 4 * k + i));
                    s40 = Vector512.FusedMultiplyAdd(x, b0, s40); s41 = Vector512.FusedMultiplyAdd(x, b1, s41);
                    x = Vector512.Create(Unsafe.Add(ref ar, 5 * k + i));
                    s50 = Vector512.FusedMultiplyAdd(x, b0, s50); s51 = Vector512.FusedMultiplyAdd(x, b1, s51);
                    x = Vector512.Create(Unsafe.Add(ref ar, 6 * k + i));
                    s60 = Vector512.FusedMultiplyAdd(x, b0, s60); s61 = Vector512.FusedMultiplyAdd(x, b1, s61);
                    x = Vector512.Create(Unsafe.Add(ref ar, 7 * k + i));
                    s70 = Vector512.FusedMultiplyAdd(x, b0, s70); s71 = Vector512.FusedMultiplyAdd(x, b1, s71);
                }
                ref float yr = ref Unsafe.Add(ref y[0], r * n + c);
                Store(ref yr, 0, s00, s01);
                Store(ref yr, n, s10, s11);
                Store(ref yr, 2 * n, s20, s21);
                Store(ref yr, 3 * n, s30, s31);
                Store(ref yr, 4 * n, s40, s41);
                Store(ref yr, 5 * n, s50, s51);
                Store(ref yr, 6 * n, s60, s61);
                Store(ref yr, 7 * n, s70, s71);
            }
        }
    }

    private static void Store(ref float row, int offset, Vector512<float> left, Vector512<float> right)
    {
        left.StoreUnsafe(ref Unsafe.Add(ref row, offset));
        right.StoreUnsafe(ref Unsafe.Add(ref row, offset + 16));
    }
}

using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace NetGen.Samples.BrowserDigits.Pages;

/// <summary>
/// The digit pad: after each stroke, the drawing is preprocessed as MNIST's images were and classified by LeNet-5; the
/// class probabilities are drawn as bars. The pointer handling lives in wwwroot/js/digit-pad.js; everything else,
/// preprocessing and network included, is .NET code running in the browser.
/// </summary>
public sealed partial class Home
{
    private readonly LeNet5 model = new();
    private readonly float[] input = new float[MnistPreprocessing.PixelCount];
    private readonly float[] probabilities = new float[LeNet5.OutputSize];
    private ElementReference pad;
    private ElementReference preview;
    private IJSObjectReference? script;
    private DotNetObjectReference<Home>? self;
    private int? prediction;
    private int classifiedStrokes;
    private PredictionTiming? timing;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    /// <summary>The network's input, 784 little-endian floats in base 64, for tests that compare it with a desktop run.</summary>
    private string InputBase64 => Convert.ToBase64String(MemoryMarshal.AsBytes(input.AsSpan()));

    /// <inheritdoc/>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        script = await JS.InvokeAsync<IJSObjectReference>("import", "./js/digit-pad.js");
        self = DotNetObjectReference.Create(this);
        await script.InvokeVoidAsync("attach", pad, self);
        // Let the page paint first: the measurement keeps the browser's only thread busy for about a second.
        await Task.Delay(50);
        timing = PredictionTiming.Measure(model);
        StateHasChanged();
    }

    /// <summary>Called by digit-pad.js when a stroke ends; <paramref name="strokes"/> counts them since the pad was cleared.</summary>
    [JSInvokable]
    public async Task StrokeEnded(int strokes)
    {
        if (script is null)
        {
            return;
        }
        byte[] ink = await script.InvokeAsync<byte[]>("ink", pad);
        if (MnistPreprocessing.TryPreprocess(ink, 280, 280, input))
        {
            model.PredictProbabilities(input, probabilities);
            prediction = ArgMax(probabilities);
        }
        else
        {
            Array.Clear(probabilities);
            prediction = null;
        }
        await script.InvokeVoidAsync("show", preview, Grey(input));
        classifiedStrokes = strokes;
        StateHasChanged();
    }

    private async Task ClearAsync()
    {
        if (script is null)
        {
            return;
        }
        await script.InvokeVoidAsync("clear", pad);
        Array.Clear(input);
        Array.Clear(probabilities);
        prediction = null;
        classifiedStrokes = 0;
        await script.InvokeVoidAsync("show", preview, Grey(input));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static byte[] Grey(ReadOnlySpan<float> pixels)
    {
        var grey = new byte[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            grey[i] = (byte)MathF.Round(pixels[i] * 255f);
        }
        return grey;
    }

    private static string Percent(float probability) => (probability * 100f).ToString("F1", CultureInfo.InvariantCulture) + "%";

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        self?.Dispose();
        if (script is not null)
        {
            try
            {
                await script.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The page is going away with its JavaScript side.
            }
        }
    }
}

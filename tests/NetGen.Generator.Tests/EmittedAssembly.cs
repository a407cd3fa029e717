using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace NetGen.Generator.Tests;

/// <summary>
/// Declarations compiled with the generator's output into a real assembly, loaded into a collectible
/// <see cref="AssemblyLoadContext"/> (NetGen.Runtime resolves to the test's own copy, so <see cref="ITrainableNetwork"/> is the
/// same type on both sides), so that tests can run the generated networks. Dispose unloads it.
/// </summary>
internal sealed class EmittedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private EmittedAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    /// <summary>
    /// Runs the generator on <paramref name="compilation"/>, emits input plus generated code and loads it. Fails with
    /// the generator's exception, its NG errors or the compile errors if there are any.
    /// </summary>
    public static EmittedAssembly Load(CSharpCompilation compilation)
    {
        GeneratorOutput output = GeneratorOutput.Run(compilation);
        if (output.Exception is not null)
        {
            throw new InvalidOperationException("The generator threw: " + output.Exception);
        }
        Diagnostic[] errors = output.GeneratorDiagnostics.Concat(output.Compilation.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            throw new InvalidOperationException("The networks do not compile:" + Environment.NewLine + GeneratorHarness.Describe(errors));
        }
        return Emit(output.Compilation);
    }

    /// <summary>Emits <paramref name="compilation"/> (which must be free of errors) and loads it.</summary>
    public static EmittedAssembly Emit(Compilation compilation) =>
        TryEmit(compilation, out ImmutableArray<Diagnostic> errors)
        ?? throw new InvalidOperationException("Emit failed:" + Environment.NewLine + GeneratorHarness.Describe(errors));

    /// <summary>Emits and loads <paramref name="compilation"/>; null with the <paramref name="errors"/> if it does not compile.</summary>
    public static EmittedAssembly? TryEmit(Compilation compilation, out ImmutableArray<Diagnostic> errors)
    {
        using var image = new MemoryStream();
        EmitResult result = compilation.Emit(image);
        errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        if (!result.Success)
        {
            return null;
        }
        image.Position = 0;
        var context = new AssemblyLoadContext("NetGen.Generator.Tests.Emitted", isCollectible: true);
        return new EmittedAssembly(context, context.LoadFromStream(image));
    }

    /// <summary>A new instance of the generated network <paramref name="className"/> (namespace included).</summary>
    public ITrainableNetwork Create(string className)
    {
        Type type = Assembly.GetType(className, throwOnError: true)!;
        return (ITrainableNetwork)Activator.CreateInstance(type)!;
    }

    /// <summary>A new instance of the generated network <paramref name="className"/>, trainable or inference-only.</summary>
    public INetwork CreateNetwork(string className)
    {
        Type type = Assembly.GetType(className, throwOnError: true)!;
        return (INetwork)Activator.CreateInstance(type)!;
    }

    public void Dispose() => _context.Unload();
}

/// <summary>One generator run on a compilation: what it reported, generated, and the compilation with its output added.</summary>
internal sealed record GeneratorOutput(
    Exception? Exception,
    ImmutableArray<Diagnostic> DriverDiagnostics,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<GeneratedSourceResult> GeneratedSources,
    Compilation Compilation)
{
    /// <summary>Runs the generator; its files are parsed with <paramref name="parseOptions"/> (default: the harness's, which diagnose documentation).</summary>
    public static GeneratorOutput Run(CSharpCompilation compilation, CSharpParseOptions? parseOptions = null)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetGenGenerator().AsSourceGenerator() }, parseOptions: parseOptions ?? GeneratorHarness.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> driverDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        return new GeneratorOutput(result.Exception, driverDiagnostics, result.Diagnostics, result.GeneratedSources, output);
    }

    /// <summary>The generated trees of the output compilation, by hint name.</summary>
    public IReadOnlyDictionary<string, SyntaxTree> GeneratedTrees =>
        GeneratedSources.ToDictionary(s => s.HintName, s => s.SyntaxTree, StringComparer.Ordinal);
}

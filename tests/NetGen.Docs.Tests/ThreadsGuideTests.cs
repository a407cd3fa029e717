using System;
using System.IO;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/threads.md: determinism per thread count, split inference equal to serial, concurrent Predict on one instance.</summary>
public sealed class ThreadsGuideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_threads_program_shows_what_the_guide_says()
    {
        GuideProgram program = GuideProgram.Build("threads", _folder);
        GuideProgram.AssertMatchesGuideOutput("threads", program.Run(_folder));
    }
}

using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetGen.Runtime.Tests.Checkpoints;

/// <summary>Saving and loading checkpoints where the file system is in the way: directories, read-only folders, concurrent saves.</summary>
public sealed class CheckpointFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-checkpoint-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static Checkpoint Filled(float value, int count = 1000) => new("fingerprint-x", Enumerable.Repeat(value, count).ToArray());

    [Fact]
    public void R6_a_directory_passed_to_Checkpoint_Load_is_an_IOException_that_says_so()
    {
        var error = Assert.Throws<IOException>(() => Checkpoint.Load(_folder));
        Assert.Contains($"'{_folder}' is a directory", error.Message);
    }

    [Fact]
    public void R6_saving_over_a_directory_is_an_IOException_that_says_so_and_leaves_it_alone()
    {
        string directory = PathOf("model.ckpt");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "inside.txt"), "kept");

        var error = Assert.Throws<IOException>(() => Filled(1f).Save(directory));

        Assert.Contains($"'{directory}': it is a directory", error.Message);
        Assert.Equal("kept", File.ReadAllText(Path.Combine(directory, "inside.txt")));
        Assert.Equal(new[] { directory }, Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void R7_a_directory_at_the_temporary_path_does_not_stop_a_save()
    {
        string path = PathOf("model.ckpt");
        Directory.CreateDirectory(path + ".tmp");

        Filled(2f).Save(path);

        Assert.Equal(2f, Checkpoint.Load(path).Parameters[0]);
        Assert.True(Directory.Exists(path + ".tmp"));
    }

    [Fact]
    public void R7_a_save_under_proc_is_an_IOException_naming_the_path_and_the_folder()
    {
        // /proc holds no regular files: creating one fails with ENOENT, which .NET reports as "Could not find file".
        var error = Assert.Throws<IOException>(() => Filled(1f).Save("/proc/netgen-model.ckpt"));
        Assert.StartsWith("Cannot save the checkpoint to '/proc/netgen-model.ckpt': creating a file in the folder '/proc' failed", error.Message);
        Assert.False(File.Exists("/proc/netgen-model.ckpt"));
    }

    [Fact]
    public void R7_a_save_into_a_read_only_directory_is_an_IOException_not_an_UnauthorizedAccessException()
    {
        // sysfs refuses new files with EACCES even to root, so this holds whoever runs the tests (chmod does not stop root).
        var error = Assert.Throws<IOException>(() => Filled(1f).Save("/sys/netgen-model.ckpt"));
        Assert.StartsWith("Cannot save the checkpoint to '/sys/netgen-model.ckpt': the folder '/sys' does not allow creating files", error.Message);
        Assert.IsType<UnauthorizedAccessException>(error.InnerException);
    }

    [Fact]
    public void A_save_into_a_missing_folder_names_the_folder()
    {
        string missing = PathOf("missing");
        var error = Assert.Throws<DirectoryNotFoundException>(() => Filled(1f).Save(Path.Combine(missing, "model.ckpt")));
        Assert.Contains($"the folder '{missing}' does not exist", error.Message);
    }

    [Fact]
    public void R8_concurrent_saves_to_one_path_each_succeed_and_leave_one_complete_checkpoint()
    {
        string path = PathOf("model.ckpt");
        Filled(0f).Save(path);
        const int SavesPerThread = 200;
        var failures = new ConcurrentQueue<Exception>();
        var seen = new ConcurrentDictionary<float, bool>();
        int writersLeft = 2;

        // Two threads save checkpoints that differ in every parameter; a third loads the file meanwhile. Every save must
        // succeed, and every load must find one whole checkpoint: all parameters from the same save.
        Thread[] writers = Enumerable.Range(1, 2).Select(id => new Thread(() =>
        {
            Checkpoint mine = Filled(id);
            for (int i = 0; i < SavesPerThread; i++)
            {
                try
                {
                    mine.Save(path);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
            Interlocked.Decrement(ref writersLeft);
        })).ToArray();
        var reader = new Thread(() =>
        {
            while (Volatile.Read(ref writersLeft) > 0)
            {
                try
                {
                    float[] parameters = Checkpoint.Load(path).Parameters;
                    Assert.All(parameters, p => Assert.Equal(parameters[0], p));
                    seen[parameters[0]] = true;
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        });
        foreach (Thread thread in writers.Append(reader))
        {
            thread.Start();
        }
        foreach (Thread thread in writers.Append(reader))
        {
            thread.Join();
        }

        Assert.Empty(failures);
        float last = Checkpoint.Load(path).Parameters[0];
        Assert.Contains(last, new[] { 1f, 2f });
        Assert.All(seen.Keys, v => Assert.Contains(v, new[] { 0f, 1f, 2f }));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder)); // no temporary file is left behind
    }

    [Fact]
    public void R9_a_users_file_named_like_a_temporary_file_is_never_overwritten_or_renamed_away()
    {
        string path = PathOf("model.ckpt");
        File.WriteAllText(path + ".tmp", "the user's notes");

        Filled(3f).Save(path);
        Filled(4f).Save(path);

        Assert.Equal("the user's notes", File.ReadAllText(path + ".tmp"));
        Assert.Equal(4f, Checkpoint.Load(path).Parameters[0]);
        Assert.Equal(new[] { "model.ckpt", "model.ckpt.tmp" }, Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void R9_each_save_uses_a_temporary_file_of_its_own_name()
    {
        string path = PathOf("model.ckpt");
        var names = new System.Collections.Generic.List<string>();
        for (int i = 0; i < 3; i++)
        {
            Filled(i).Save(path, stream =>
            {
                names.Add(Path.GetFileName(((FileStream)stream).Name));
                return stream;
            });
        }
        Assert.Equal(3, names.Distinct().Count());
        Assert.All(names, name => Assert.Matches("^model\\.ckpt\\.[0-9a-f]{16}\\.tmp$", name));
    }
}

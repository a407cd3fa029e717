using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NetGen.Docs.Tests;

/// <summary>docs/declaring-networks.md: its networks compile and train a step, and it names every attribute, argument, activation and loss of the runtime.</summary>
public sealed class DeclaringNetworksTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_declarations_compile_and_each_network_trains_a_step()
    {
        GuideProgram program = GuideProgram.Build("declarations", _folder);
        GuideProgram.AssertMatchesGuideOutput("declarations", program.Run(_folder));
    }

    [Fact]
    public void The_guide_names_every_attribute_and_its_arguments_and_the_program_uses_each_attribute()
    {
        string guide = Guides.Read("declaring-networks.md");
        string program = string.Concat(Guides.Program("declarations").Select(b => b.Text));
        Type[] attributes = typeof(NetworkAttribute).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(Attribute)) && t.Namespace == "NetGen").ToArray();
        Assert.Contains(typeof(DenseAttribute), attributes);
        foreach (Type attribute in attributes)
        {
            string name = attribute.Name[..^"Attribute".Length];
            Assert.Contains("[" + name, guide, StringComparison.Ordinal);
            Assert.Contains("[" + name, program, StringComparison.Ordinal);
            foreach (PropertyInfo property in attribute.GetProperties().Where(p => p.CanWrite))
            {
                Assert.True(guide.Contains("`" + property.Name, StringComparison.Ordinal), $"The guide does not name {name}'s argument {property.Name}.");
                Assert.True(program.Contains(property.Name + " = ", StringComparison.Ordinal), $"The program does not set {name}'s argument {property.Name}.");
            }
        }
    }

    [Fact]
    public void The_guide_names_every_activation_and_loss()
    {
        string guide = Guides.Read("declaring-networks.md");
        foreach (string name in Enum.GetNames<Activation>().Concat(Enum.GetNames<LossKind>()))
        {
            Assert.Contains("| `" + name + "` |", guide, StringComparison.Ordinal);
        }
    }
}

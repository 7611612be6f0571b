using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Workflow;

public sealed class WorkflowDiagramTests
{
    private const string Start = "```mermaid\n";
    private const string End = "```";

    /// <summary>
    /// docs/workflow.md shows the state machine as the code declares it. When the definition changes, run the tests
    /// with BAOCAO_UPDATE_DIAGRAM=1 once to rewrite the diagram, and commit it with the change.
    /// </summary>
    [Fact]
    public void The_diagram_in_the_docs_is_generated_from_the_definition()
    {
        var path = Path.Combine(Repository.Root, "docs", "workflow.md");
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var from = text.IndexOf(Start, StringComparison.Ordinal) + Start.Length;
        var to = text.IndexOf(End, from, StringComparison.Ordinal);
        var generated = WorkflowDefinition.MermaidDiagram().ReplaceLineEndings("\n").Trim() + "\n";
        if (Environment.GetEnvironmentVariable("BAOCAO_UPDATE_DIAGRAM") == "1")
        {
            File.WriteAllText(path, text[..from] + generated + text[to..]);
            return;
        }
        Assert.True(generated == text[from..to],
            $"docs/workflow.md is out of date with WorkflowDefinition; run the tests with BAOCAO_UPDATE_DIAGRAM=1 to regenerate it.\nGenerated:\n{generated}");
    }
}

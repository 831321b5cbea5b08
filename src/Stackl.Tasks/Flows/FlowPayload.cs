using System.Text.Json;

namespace Stackl.Tasks.Flows;

/// <summary>Reads a stored flow payload without validating it (the handlers it names may no longer be registered).</summary>
public static class FlowPayload
{
    /// <summary>The topic of flows (their subtype is <c>run</c>).</summary>
    public const string FlowTopic = "flow";

    /// <summary>Every handler the flow's steps run or revert with, once each, in the order they appear.</summary>
    /// <param name="payload">A <c>flow/run</c> task's payload.</param>
    public static IReadOnlyList<string> HandlersNamed(JsonElement payload)
    {
        var named = new List<string>();
        Walk(payload, named);
        return named;
    }

    private static void Walk(JsonElement node, List<string> named)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                Walk(item, named);
            }
        }
        else if (node.ValueKind == JsonValueKind.Object)
        {
            if (node.TryGetProperty("step", out _))
            {
                foreach (var field in (string[])["handler", "revert"])
                {
                    if (node.TryGetProperty(field, out var handler) && handler.ValueKind == JsonValueKind.String && !named.Contains(handler.GetString()!))
                    {
                        named.Add(handler.GetString()!);
                    }
                }

                return;
            }

            foreach (var pattern in (string[])["linear", "unordered", "graph"])
            {
                if (node.TryGetProperty(pattern, out var children))
                {
                    Walk(children, named);
                }
            }
        }
    }
}

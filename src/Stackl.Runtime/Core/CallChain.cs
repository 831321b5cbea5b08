using System.Text;

namespace Stackl.Runtime.Core;

/// <summary>The activations whose turns wait on the current call, innermost first; used to fail call cycles fast.</summary>
internal sealed class CallChain(ActivationData activation, CallChain? parent)
{
    private static readonly AsyncLocal<CallChain?> s_current = new();

    public static CallChain? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public ActivationData Activation { get; } = activation;

    public CallChain? Parent { get; } = parent;

    public bool Contains(ActivationData activation)
    {
        for (var link = this; link is not null; link = link.Parent)
        {
            if (ReferenceEquals(link.Activation, activation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Describes the cycle "A -> B -> A" that calling <paramref name="target"/> would close.</summary>
    public string DescribeCycle(ActivationData target)
    {
        var path = new List<string>();
        for (var link = this; link is not null; link = link.Parent)
        {
            path.Add(link.Activation.GrainId.ToString());
            if (ReferenceEquals(link.Activation, target))
            {
                break;
            }
        }

        path.Reverse();
        var text = new StringBuilder(string.Join(" -> ", path));
        text.Append(" -> ").Append(target.GrainId);
        return text.ToString();
    }
}

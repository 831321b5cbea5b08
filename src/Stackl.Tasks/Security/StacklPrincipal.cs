using Stackl.Contracts;
using Stackl.Tasks.Execution;

namespace Stackl.Tasks.Security;

/// <summary>Who makes a request, and the grants of its role; every entry point (HTTP API, cluster gateway) checks through it.</summary>
/// <param name="Name">The key's name or the token's subject; tasks it submits carry it as their source.</param>
/// <param name="Role">The role's name.</param>
/// <param name="Grants">The role's grants.</param>
/// <param name="IsAuthenticated">False for <see cref="Anonymous"/>, the caller of a silo whose API is open.</param>
public sealed record StacklPrincipal(string Name, string Role, RoleGrants Grants, bool IsAuthenticated = true)
{
    /// <summary>The caller where no credentials are required: it may do everything, and a task's source is what its spec says.</summary>
    public static StacklPrincipal Anonymous { get; } = new("anonymous", BuiltInRoles.Admin, BuiltInRoles.All[BuiltInRoles.Admin], IsAuthenticated: false);

    /// <summary>Checks a validated submission against the grants and returns it with the principal as its source.</summary>
    /// <exception cref="AccessDeniedException">The topic, a document or the source is not the principal's to use.</exception>
    /// <param name="submission">The submission <see cref="TaskService.Validate"/> made.</param>
    /// <param name="stepHandlers">For a flow: the handlers its steps and reverts run, each of which the principal must be allowed to submit on its own.</param>
    public TaskSubmission Authorize(TaskSubmission submission, IEnumerable<string>? stepHandlers = null)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var kind = $"{submission.Topic}/{submission.Subtype}";
        if (!RoleGrants.Matches(Grants.Submit, kind))
        {
            throw Denied($"submit {kind} tasks", "Submit");
        }

        if (stepHandlers?.FirstOrDefault(step => !RoleGrants.Matches(Grants.Submit, step)) is { } refusedStep)
        {
            throw Denied($"submit {refusedStep} tasks, which a step of the flow runs", "Submit");
        }

        if (kind == "document/restore" && !Grants.Restore)
        {
            throw Denied("restore document versions", "Restore");
        }

        if (submission.Documents.FirstOrDefault(key => !RoleGrants.Matches(Grants.Write, key)) is { } refused)
        {
            throw Denied($"write the document '{refused}'", "Write");
        }

        if (!IsAuthenticated)
        {
            return submission;
        }

        if (submission.Source is { } claimed && claimed != Name)
        {
            throw new AccessDeniedException($"source is '{claimed}', but the request's credentials are '{Name}': a task's source is the principal that submits it; leave source out.");
        }

        return submission with { Source = Name };
    }

    /// <summary>True when the principal may read <paramref name="task"/>.</summary>
    /// <param name="task">The task.</param>
    public bool CanSee(TaskView task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Grants.Tasks == TaskScope.All || (Grants.Tasks == TaskScope.Own && task.Source == Name);
    }

    /// <summary>Throws unless the principal may read <paramref name="task"/>.</summary>
    /// <param name="task">The task.</param>
    public void DemandSee(TaskView task)
    {
        if (!CanSee(task))
        {
            throw Denied($"read task {task.Id}, which another principal submitted", "Tasks", "All");
        }
    }

    /// <summary>Throws unless the principal may cancel <paramref name="task"/>.</summary>
    /// <param name="task">The task.</param>
    public void DemandCancel(TaskView task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!(Grants.Cancel == TaskScope.All || (Grants.Cancel == TaskScope.Own && task.Source == Name)))
        {
            throw Denied($"cancel task {task.Id}", "Cancel", Grants.Cancel == TaskScope.None ? "Own or All" : "All");
        }
    }

    /// <summary>The source a task listing is limited to: null when the principal sees every task.</summary>
    /// <exception cref="AccessDeniedException">The principal may see no task.</exception>
    public string? ListedSource() => Grants.Tasks switch
    {
        TaskScope.All => null,
        TaskScope.Own => Name,
        _ => throw Denied("list tasks", "Tasks", "Own or All"),
    };

    /// <summary>Throws unless the principal sees every task (streams and listings of the whole cluster).</summary>
    /// <param name="what">What was asked for, e.g. "follow every task's events".</param>
    public void DemandAllTasks(string what)
    {
        if (Grants.Tasks != TaskScope.All)
        {
            throw Denied(what, "Tasks", "All");
        }
    }

    /// <summary>True when the principal may read the document <paramref name="key"/>.</summary>
    /// <param name="key">The document key.</param>
    public bool CanRead(string key) => RoleGrants.Matches(Grants.Read, key);

    /// <summary>Throws unless the principal may read the document <paramref name="key"/>.</summary>
    /// <param name="key">The document key.</param>
    public void DemandRead(string key)
    {
        if (!CanRead(key))
        {
            throw Denied($"read the document '{key}'", "Read");
        }
    }

    /// <summary>Throws unless the principal may read every document under <paramref name="prefix"/> (null: every document).</summary>
    /// <param name="prefix">The listing's prefix.</param>
    public void DemandReadUnder(string? prefix)
    {
        if (!RoleGrants.CoversPrefix(Grants.Read, prefix ?? ""))
        {
            throw Denied(prefix is null ? "list every document" : $"list the documents under '{prefix}'", "Read", $"a pattern covering '{prefix}*' (list with ?prefix= set to a prefix the role reads)");
        }
    }

    /// <summary>Throws unless the principal may submit tasks of <paramref name="kind"/>.</summary>
    /// <param name="kind">The handler, <c>topic/subtype</c>.</param>
    /// <param name="what">What was asked for, e.g. "manage the schedule 'nightly', which submits demo/echo tasks".</param>
    public void DemandSubmit(string kind, string what)
    {
        if (!RoleGrants.Matches(Grants.Submit, kind))
        {
            throw Denied(what, "Submit");
        }
    }

    /// <summary>Throws unless the principal administers keys.</summary>
    public void DemandAdmin()
    {
        if (!Grants.Admin)
        {
            throw Denied("manage API keys", "Admin", "true");
        }
    }

    private AccessDeniedException Denied(string what, string grant, string? needed = null) =>
        new($"'{Name}' (role {Role}) may not {what}; that needs the grant {grant}{(needed is null ? " covering it" : $" = {needed}")}.");
}

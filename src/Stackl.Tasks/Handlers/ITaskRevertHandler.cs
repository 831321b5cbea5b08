using System.Text.Json;

namespace Stackl.Tasks.Handlers;

/// <summary>Undoes one kind of side effect during rollback.</summary>
public interface ITaskRevertHandler
{
    /// <summary>The kind of revert action it runs.</summary>
    string Kind { get; }

    /// <summary>Undoes the side effect; throwing ends the task RollbackFailed.</summary>
    /// <param name="data">What the handler recorded.</param>
    /// <param name="cancellationToken">Cancelled when the silo stops.</param>
    Task RevertAsync(JsonElement data, CancellationToken cancellationToken);
}

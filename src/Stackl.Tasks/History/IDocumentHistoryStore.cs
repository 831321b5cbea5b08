using Stackl.Contracts;

namespace Stackl.Tasks.History;

/// <summary>Every committed version of every document, keyed by (key, version).</summary>
public interface IDocumentHistoryStore
{
    /// <summary>Appends a version; appending the same (key, version) again does nothing, so a re-driven commit never duplicates.</summary>
    /// <param name="entry">The version.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task AppendAsync(HistoryEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Reads one version, or null.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<HistoryEntry?> GetAsync(string key, long version, CancellationToken cancellationToken = default);

    /// <summary>Lists versions newest first, before <paramref name="beforeVersion"/> when given, at most <paramref name="limit"/>.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="beforeVersion">Paging: only versions below this one.</param>
    /// <param name="limit">The most entries returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<HistoryEntry>> ListAsync(string key, long? beforeVersion, int limit, CancellationToken cancellationToken = default);
}

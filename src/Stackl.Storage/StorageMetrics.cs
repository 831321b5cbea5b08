using System.Diagnostics.Metrics;

namespace Stackl.Storage;

/// <summary>The storage engine's instruments: how long a group commit takes and how many writes it carries.</summary>
internal sealed class StorageMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Stackl.Storage";

    // Seconds: an SQLite fsync takes about a millisecond, a loaded PostgreSQL round trip tens.
    private static readonly double[] s_secondsBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private static readonly long[] s_batchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<long> _commitWrites;
    private readonly KeyValuePair<string, object?> _engineTag;

    public StorageMetrics(IMeterFactory meterFactory, StorageDialect dialect)
    {
        var meter = meterFactory.Create(MeterName);
        _engineTag = new KeyValuePair<string, object?>("engine", dialect.ToString().ToLowerInvariant());
        _commitDuration = meter.CreateHistogram(
            "stackl.storage.commit.duration",
            "s",
            "Time one group commit (one transaction, one fsync) takes, from its first statement to its commit.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_secondsBuckets });
        _commitWrites = meter.CreateHistogram(
            "stackl.storage.commit.writes",
            "{write}",
            "Writes carried by one group commit.",
            tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = s_batchBuckets });
    }

    public void Committed(TimeSpan duration, int writes)
    {
        _commitDuration.Record(duration.TotalSeconds, _engineTag);
        _commitWrites.Record(writes, _engineTag);
    }
}

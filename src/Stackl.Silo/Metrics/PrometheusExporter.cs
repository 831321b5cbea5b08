using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Stackl.Silo.Metrics;

/// <summary>Collects this silo's <c>Stackl.*</c> instruments with a <see cref="MeterListener"/> and writes them in the Prometheus text format.</summary>
/// <remarks>
/// Only meters created by this host's <see cref="IMeterFactory"/> are collected, so silos sharing a process (tests) keep their own
/// figures. Counters become <c>_total</c> counters, histograms keep their advised buckets, and a unit of seconds gives the
/// <c>_seconds</c> suffix: <c>stackl.task.duration</c> is exported as <c>stackl_task_duration_seconds</c>.
/// </remarks>
internal sealed class PrometheusExporter : IDisposable
{
    // Used when an instrument advises no buckets: seconds from a tenth of a millisecond to five minutes.
    private static readonly double[] s_defaultBuckets = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ExportedMetric> _metrics = new(StringComparer.Ordinal);

    public PrometheusExporter(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name.StartsWith("Stackl.", StringComparison.Ordinal) && ExportedMetric.TryCreate(instrument) is { } metric)
            {
                // Two instruments of one name (two engines on one factory) add into one metric.
                listener.EnableMeasurementEvents(instrument, _metrics.GetOrAdd(metric.Name, metric));
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => ((ExportedMetric)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => ((ExportedMetric)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => ((ExportedMetric)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Appends every collected metric, each series labelled with <paramref name="silo"/>.</summary>
    public void WriteTo(StringBuilder text, string silo)
    {
        _listener.RecordObservableInstruments();
        var siloLabel = $"silo=\"{PrometheusText.EscapeLabel(silo)}\"";
        foreach (var metric in _metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            metric.WriteTo(text, siloLabel);
        }
    }

    public void Dispose() => _listener.Dispose();

    private enum MetricKind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class ExportedMetric
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly string _help;
        private readonly double[] _buckets;

        private ExportedMetric(string name, MetricKind kind, bool observable, string help, double[] buckets)
        {
            Name = name;
            Kind = kind;
            Observable = observable;
            _help = help;
            _buckets = buckets;
        }

        public string Name { get; }

        private MetricKind Kind { get; }

        // Observable instruments report their current value (a total or a level): each observation replaces the last.
        private bool Observable { get; }

        public static ExportedMetric? TryCreate(Instrument instrument)
        {
            var baseName = instrument.Name.Replace('.', '_').Replace('-', '_');
            if (instrument.Unit == "s" && !baseName.EndsWith("_seconds", StringComparison.Ordinal))
            {
                baseName += "_seconds";
            }

            var help = instrument.Description ?? instrument.Name;
            var type = instrument.GetType();
            var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            return generic switch
            {
                _ when generic == typeof(Counter<>) => new ExportedMetric(baseName + "_total", MetricKind.Counter, observable: false, help, []),
                _ when generic == typeof(ObservableCounter<>) => new ExportedMetric(baseName + "_total", MetricKind.Counter, observable: true, help, []),
                _ when generic == typeof(UpDownCounter<>) => new ExportedMetric(baseName, MetricKind.Gauge, observable: false, help, []),
                _ when generic == typeof(ObservableUpDownCounter<>) || generic == typeof(ObservableGauge<>) => new ExportedMetric(baseName, MetricKind.Gauge, observable: true, help, []),
                _ when generic == typeof(Gauge<>) => new ExportedMetric(baseName, MetricKind.Gauge, observable: true, help, []),
                _ when generic == typeof(Histogram<>) => new ExportedMetric(baseName, MetricKind.Histogram, observable: false, help, Buckets(instrument)),
                _ => null,
            };
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            var series = _series.GetOrAdd(labels, _ => new Series(_buckets.Length));
            lock (series)
            {
                switch (Kind)
                {
                    case MetricKind.Histogram:
                        var bucket = Array.FindIndex(_buckets, bound => value <= bound);
                        series.BucketCounts[bucket < 0 ? _buckets.Length : bucket]++;
                        series.Count++;
                        series.Value += value;
                        break;
                    case MetricKind.Counter or MetricKind.Gauge when Observable:
                        series.Value = value;
                        break;
                    default:
                        series.Value += value;
                        break;
                }
            }
        }

        public void WriteTo(StringBuilder text, string siloLabel)
        {
            text.Append("# HELP ").Append(Name).Append(' ').AppendLine(PrometheusText.EscapeHelp(_help));
            text.Append("# TYPE ").Append(Name).Append(' ').AppendLine(Kind switch { MetricKind.Counter => "counter", MetricKind.Gauge => "gauge", _ => "histogram" });
            foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var labelText = labels.Length == 0 ? siloLabel : $"{siloLabel},{labels}";
                lock (series)
                {
                    if (Kind != MetricKind.Histogram)
                    {
                        text.Append(Name).Append('{').Append(labelText).Append("} ").AppendLine(PrometheusText.Number(series.Value));
                        continue;
                    }

                    long cumulative = 0;
                    for (var i = 0; i <= _buckets.Length; i++)
                    {
                        cumulative += series.BucketCounts[i];
                        var le = i < _buckets.Length ? PrometheusText.Number(_buckets[i]) : "+Inf";
                        text.Append(Name).Append("_bucket{").Append(labelText).Append(",le=\"").Append(le).Append("\"} ").AppendLine(cumulative.ToString(CultureInfo.InvariantCulture));
                    }

                    text.Append(Name).Append("_sum{").Append(labelText).Append("} ").AppendLine(PrometheusText.Number(series.Value));
                    text.Append(Name).Append("_count{").Append(labelText).Append("} ").AppendLine(series.Count.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        private static double[] Buckets(Instrument instrument) => instrument switch
        {
            Instrument<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
            Instrument<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
            Instrument<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
            _ => s_defaultBuckets,
        };

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return string.Empty;
            }

            var pairs = new List<KeyValuePair<string, object?>>(tags.Length);
            foreach (var tag in tags)
            {
                pairs.Add(tag);
            }

            pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return string.Join(',', pairs.Select(p => $"{PrometheusText.LabelName(p.Key)}=\"{PrometheusText.EscapeLabel(Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? string.Empty)}\""));
        }
    }

    private sealed class Series(int bucketCount)
    {
        public long[] BucketCounts { get; } = new long[bucketCount + 1];

        public long Count { get; set; }

        public double Value { get; set; }
    }
}

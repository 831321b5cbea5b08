using System.Text;

namespace Stackl.Silo.Metrics;

/// <summary>The silo process's memory as Prometheus gauges, read at scrape time.</summary>
internal static class ProcessMetrics
{
    /// <summary>Appends <c>stackl_gc_heap_bytes</c>, <c>stackl_gc_committed_bytes</c> and <c>stackl_process_working_set_bytes</c>.</summary>
    public static void WriteTo(StringBuilder text, string siloLabel)
    {
        var gc = GC.GetGCMemoryInfo();
        PrometheusText.Gauge(text, "stackl_gc_heap_bytes", "The managed heap's size after the last garbage collection, in bytes.", [(siloLabel, gc.HeapSizeBytes)]);
        PrometheusText.Gauge(text, "stackl_gc_committed_bytes", "Memory the garbage collector has committed, in bytes.", [(siloLabel, gc.TotalCommittedBytes)]);
        PrometheusText.Gauge(text, "stackl_process_working_set_bytes", "The silo process's working set (resident memory), in bytes.", [(siloLabel, Environment.WorkingSet)]);
    }
}

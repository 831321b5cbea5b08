namespace Stackl.Contracts;

/// <summary>One silo of the cluster.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Status">Its membership status.</param>
/// <param name="LeaseRenewedAt">When it last renewed its lease.</param>
/// <param name="Activations">Its grain activations (known for the answering silo only).</param>
/// <param name="Address">Its Orleans silo-to-silo endpoint, <c>host:port</c>.</param>
public sealed record SiloView(string Name, string Status, DateTimeOffset LeaseRenewedAt, int? Activations, string? Address = null);

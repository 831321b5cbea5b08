using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Stackl.Runtime.Storage;

namespace Stackl.Runtime.Core;

/// <summary>A grain's named durable state, versioned by the store.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IActivationState
    where TState : class, new()
{
    private readonly ActivationData _activation;
    private readonly GrainStateKey _key;
    private readonly JsonTypeInfo<TState> _typeInfo;
    private readonly IGrainStateStore _store;
    private long _version;

    public PersistentState(ActivationData activation, string stateName, IGrainStateStore store)
    {
        _activation = activation;
        _store = store;
        _key = new GrainStateKey(activation.GrainId.Type, activation.GrainId.Key, stateName);
        _typeInfo = (JsonTypeInfo<TState>)activation.Runtime.JsonOptions.GetTypeInfo(typeof(TState));
    }

    public TState State { get; set; } = new();

    public string? Etag => _version == 0 ? null : _version.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var runtime = _activation.Runtime;
        runtime.ThrowIfKilled();
        var record = await _store.ReadAsync(_key, cancellationToken);
        runtime.ThrowIfKilled();
        _version = record?.Version ?? 0;
        RecordExists = record?.Payload is not null;
        State = record?.Payload is { } payload ? JsonSerializer.Deserialize(payload, _typeInfo) ?? new TState() : new TState();
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var runtime = _activation.Runtime;
        runtime.ThrowIfKilled();
        var payload = JsonSerializer.SerializeToUtf8Bytes(State, _typeInfo);
        try
        {
            _version = await _store.WriteAsync(_key, payload, _version, cancellationToken);
        }
        catch (InconsistentStateException)
        {
            _activation.RequestDeactivation(DeactivationReason.StaleState);
            throw;
        }

        runtime.ThrowIfKilled();
        RecordExists = true;
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        var runtime = _activation.Runtime;
        runtime.ThrowIfKilled();
        if (_version != 0)
        {
            try
            {
                _version = await _store.ClearAsync(_key, _version, cancellationToken);
            }
            catch (InconsistentStateException)
            {
                _activation.RequestDeactivation(DeactivationReason.StaleState);
                throw;
            }
        }

        runtime.ThrowIfKilled();
        RecordExists = false;
        State = new TState();
    }
}

using System.Text.Json.Serialization;

namespace Stackl.Runtime.Serialization;

/// <summary>Source-generated JSON metadata for the runtime's own messages and the primitive types grain methods take.</summary>
[JsonSerializable(typeof(ReminderTick))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(TimeSpan))]
[JsonSerializable(typeof(TimeSpan?))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(DateTimeOffset?))]
[JsonSerializable(typeof(object))]
public sealed partial class RuntimeJsonContext : JsonSerializerContext;

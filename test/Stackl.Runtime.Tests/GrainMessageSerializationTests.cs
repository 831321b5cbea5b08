using Stackl.Runtime.Testing;
using Stackl.Runtime.Tests.Grains;

namespace Stackl.Runtime.Tests;

public sealed class GrainMessageSerializationTests
{
    [Fact]
    public void AllGrainMessages_RoundTripThroughSourceGeneratedJson()
    {
        var checkedTypes = GrainMessageSerialization.AssertAllRoundTrip(System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(TestGrainJsonContext.Default, Serialization.RuntimeJsonContext.Default), typeof(ICounterGrain).Assembly);

        Assert.Contains(typeof(EchoMessage), checkedTypes);
        Assert.Contains(typeof(ReminderTick), checkedTypes);
    }

    [Fact]
    public void MissingMetadata_FailsNamingTheType()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GrainMessageSerialization.AssertAllRoundTrip(EmptyJsonContext.Default, typeof(ICounterGrain).Assembly));

        Assert.Contains("has no source-generated JSON metadata", error.Message, StringComparison.Ordinal);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(object))]
public sealed partial class EmptyJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

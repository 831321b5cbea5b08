using System.Text.Json.Serialization.Metadata;
using Stackl.Runtime.Serialization;
using Stackl.Runtime.Testing;
using Stackl.Tasks.Execution;

namespace Stackl.Tasks.Tests;

public sealed class GrainMessageTests
{
    [Fact]
    public void TaskDomainGrainMessages_RoundTripThroughSourceGeneratedJson()
    {
        var checkedTypes = GrainMessageSerialization.AssertAllRoundTrip(JsonTypeInfoResolver.Combine(TasksJsonContext.Default, RuntimeJsonContext.Default), typeof(ITaskGrain).Assembly);

        Assert.Contains(typeof(TaskSubmission), checkedTypes);
        Assert.Contains(typeof(TaskOutcome), checkedTypes);
        Assert.Contains(typeof(Documents.DocumentLockResult), checkedTypes);
    }
}

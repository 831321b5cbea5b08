using Stackl.Contracts;
using Stackl.Tasks.Execution;
using Stackl.Testing;

namespace Stackl.Tasks.Tests;

public sealed class GrainMessageTests() : TaskTestBase(new SqliteUnderTest())
{
    [Fact]
    public void TaskDomainGrainMessages_RoundTripThroughOrleansSerializerAndCopier()
    {
        var checkedTypes = GrainMessageSerialization.AssertAllRoundTrip(Host.Services, GrainJson.Options, typeof(ITaskGrain).Assembly);

        Assert.Contains(typeof(TaskSubmission), checkedTypes);
        Assert.Contains(typeof(TaskOutcome), checkedTypes);
        Assert.Contains(typeof(TaskView), checkedTypes);
        Assert.Contains(typeof(TaskStatus), checkedTypes);
        Assert.Contains(typeof(Documents.DocumentLockResult), checkedTypes);
    }
}

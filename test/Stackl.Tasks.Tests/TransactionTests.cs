using Stackl.Contracts;

namespace Stackl.Tasks.Tests;

/// <summary><c>document/transaction</c>: ops applied in order, all or nothing; subclassed once per engine.</summary>
public abstract class TransactionTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    private Task<TaskView> TransactAsync(string ops) => RunAsync(Spec("document", "transaction", $$"""{"ops":{{ops}}}"""));

    [Fact]
    public async Task Transfer_BetweenTwoDocuments_CommitsBoth()
    {
        await PutAsync("account/a", """{"balance":100}""");
        await PutAsync("account/b", """{"balance":5}""");

        var task = await TransactAsync("""
            [{"op":"assert","key":"account/a","path":"/balance","gte":30},
             {"op":"increment","key":"account/a","path":"/balance","by":-30},
             {"op":"increment","key":"account/b","path":"/balance","by":30}]
            """);

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal("""{"balance":70}""", await ValueAsync("account/a"));
        Assert.Equal("""{"balance":35}""", await ValueAsync("account/b"));
        Assert.Equal(["account/a", "account/b"], task.Documents);
    }

    [Fact]
    public async Task FailedAssert_AfterEarlierOps_CommitsNothing()
    {
        await PutAsync("account/a", """{"balance":10}""");
        await PutAsync("account/b", """{"balance":0}""");

        var task = await TransactAsync("""
            [{"op":"increment","key":"account/b","path":"/balance","by":50},
             {"op":"assert","key":"account/a","path":"/balance","gte":50},
             {"op":"increment","key":"account/a","path":"/balance","by":-50}]
            """);

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(ErrorCodes.AssertFailed, task.Error!.Code);
        Assert.Contains("ops[1]", task.Error.Message, StringComparison.Ordinal);
        Assert.Equal("""{"balance":10}""", await ValueAsync("account/a"));
        Assert.Equal("""{"balance":0}""", await ValueAsync("account/b"));
        Assert.Equal(1, (await Tasks.GetDocumentAsync("account/b")).Version);
        await NoLocksAsync();
    }

    [Fact]
    public async Task SetRemoveDelete_WithJsonPointers_ApplyInOrder()
    {
        await PutAsync("app/x", """{"tags":["a"],"meta":{"owner":"ops","a/b":1},"old":true}""");
        await PutAsync("app/gone", "{}");

        var task = await TransactAsync("""
            [{"op":"set","key":"app/x","path":"/tags/-","value":"b"},
             {"op":"set","key":"app/x","path":"/meta/a~1b","value":2},
             {"op":"remove","key":"app/x","path":"/old"},
             {"op":"set","key":"app/new","path":"","value":{"created":true}},
             {"op":"delete","key":"app/gone"},
             {"op":"assert","key":"app/x","path":"/meta/owner","equals":"ops"},
             {"op":"assert","key":"app/x","path":"/old","exists":false}]
            """);

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal("""{"tags":["a","b"],"meta":{"owner":"ops","a/b":2}}""", await ValueAsync("app/x"));
        Assert.Equal("""{"created":true}""", await ValueAsync("app/new"));
        Assert.Null(await ValueAsync("app/gone"));
    }

    [Fact]
    public async Task MissingPath_FailsPathNotFound()
    {
        await PutAsync("app/x", """{"a":1}""");

        var task = await TransactAsync("""[{"op":"increment","key":"app/x","path":"/missing","by":1}]""");

        Assert.Equal(ErrorCodes.PathNotFound, task.Error!.Code);
        Assert.Equal("""{"a":1}""", await ValueAsync("app/x"));
    }

    [Fact]
    public async Task PointerEdges_FollowRfc6901()
    {
        await PutAsync("app/p", """{"list":[10,20],"-":1,"~1":5}""");

        // "-" names the element after an array's last (so nothing to read), but is an ordinary member name in an object;
        // an array index is digits without a leading zero; "~01" is the member "~1" and "~0~1" the member "~/".
        var task = await TransactAsync("""
            [{"op":"assert","key":"app/p","path":"/list/-","exists":false},
             {"op":"assert","key":"app/p","path":"/list/01","exists":false},
             {"op":"assert","key":"app/p","path":"/-","equals":1},
             {"op":"assert","key":"app/p","path":"/~01","equals":5},
             {"op":"set","key":"app/p","path":"/list/2","value":30},
             {"op":"increment","key":"app/p","path":"/list/1","by":1},
             {"op":"set","key":"app/p","path":"/~0~1","value":true},
             {"op":"remove","key":"app/p","path":"/~01"}]
            """);

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal("""{"list":[10,21,30],"-":1,"~/":true}""", await ValueAsync("app/p"));
    }

    [Theory]
    [InlineData("""{"op":"set","key":"app/p","path":"/list/01","value":1}""")]
    [InlineData("""{"op":"set","key":"app/p","path":"/list/3","value":1}""")]
    [InlineData("""{"op":"remove","key":"app/p","path":"/list/-"}""")]
    [InlineData("""{"op":"remove","key":"app/p","path":"/list/ 0"}""")]
    [InlineData("""{"op":"increment","key":"app/p","path":"/list/-","by":1}""")]
    [InlineData("""{"op":"assert","key":"app/p","path":"/list/-","equals":20}""")]
    public async Task ArrayTokens_ThatAreNoElement_FailPathNotFound(string op)
    {
        await PutAsync("app/p", """{"list":[10,20]}""");

        var task = await TransactAsync($"[{op}]");

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(ErrorCodes.PathNotFound, task.Error!.Code);
        Assert.Equal("""{"list":[10,20]}""", await ValueAsync("app/p"));
    }

    [Fact]
    public async Task ExpectVersion_Mismatch_FailsAndChangesNothing()
    {
        await PutAsync("app/x", "1");

        var stale = await TransactAsync("""[{"op":"expectVersion","key":"app/x","version":0},{"op":"set","key":"app/x","path":"","value":2}]""");
        var current = await TransactAsync("""[{"op":"expectVersion","key":"app/x","version":1},{"op":"set","key":"app/x","path":"","value":3}]""");

        Assert.Equal(ErrorCodes.VersionMismatch, stale.Error!.Code);
        AssertStatus(TaskStatus.Completed, current);
        Assert.Equal("3", await ValueAsync("app/x"));
    }

    [Fact]
    public async Task DebitThenCheck_OnTheComputedBalance_Commits()
    {
        await PutAsync("account/a1", """{"balance":0}""");

        var task = await TransactAsync("""
            [{"op":"increment","key":"account/a1","path":"/balance","by":5},
             {"op":"assert","key":"account/a1","path":"/balance","gte":0},
             {"op":"increment","key":"account/a1","path":"/balance","by":-2},
             {"op":"assert","key":"account/a1","path":"/balance","equals":3},
             {"op":"assert","key":"account/a1","path":"/balance","lte":3.0}]
            """);

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal("""{"balance":3}""", await ValueAsync("account/a1"));
    }

    [Fact]
    public async Task Decimals_AreExact_AndCompareWithIntegersByValue()
    {
        await PutAsync("meter/m", """{"v":0.1,"n":5.0,"tags":{"w":2}}""");

        var task = await TransactAsync("""
            [{"op":"increment","key":"meter/m","path":"/v","by":0.2},
             {"op":"assert","key":"meter/m","path":"/v","equals":0.3},
             {"op":"assert","key":"meter/m","path":"/n","equals":5},
             {"op":"increment","key":"meter/m","path":"/n","by":1},
             {"op":"assert","key":"meter/m","path":"","equals":{"v":0.30,"n":6,"tags":{"w":2.0}}}]
            """);

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal("""{"v":0.3,"n":6,"tags":{"w":2}}""", await ValueAsync("meter/m"));
    }

    [Fact]
    public async Task IntegerOverflow_FailsWithItsCode_AndCommitsNothing()
    {
        await PutAsync("counter/c", """{"n":9223372036854775806}""");

        var task = await TransactAsync("""
            [{"op":"increment","key":"counter/c","path":"/n","by":1},
             {"op":"assert","key":"counter/c","path":"/n","equals":9223372036854775807},
             {"op":"increment","key":"counter/c","path":"/n","by":1}]
            """);

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(ErrorCodes.NumberOutOfRange, task.Error!.Code);
        Assert.Contains("ops[2]", task.Error.Message, StringComparison.Ordinal);
        Assert.Equal("""{"n":9223372036854775806}""", await ValueAsync("counter/c"));
    }

    [Theory]
    [InlineData("""[]""", "payload.ops")]
    [InlineData("""[{"op":"explode","key":"a/b"}]""", "payload.ops[0].op")]
    [InlineData("""[{"op":"set","key":"a/b","path":"nope","value":1}]""", "payload.ops[0].path")]
    [InlineData("""[{"op":"set","key":"a/b","path":"#/x","value":1}]""", "payload.ops[0].path")]
    [InlineData("""[{"op":"assert","key":"a/b","path":"/x~2","exists":true}]""", "payload.ops[0].path")]
    [InlineData("""[{"op":"set","key":"A/b","path":"","value":1}]""", "payload.ops[0].key")]
    [InlineData("""[{"op":"increment","key":"a/b","path":"/x","by":"1"}]""", "payload.ops[0].by")]
    [InlineData("""[{"op":"increment","key":"a/b","path":"/x","by":1e40}]""", "payload.ops[0].by")]
    [InlineData("""[{"op":"assert","key":"a/b","path":"/x","gte":1,"lte":2}]""", "payload.ops[0]")]
    [InlineData("""[{"op":"set","key":"a/b","path":"/x"}]""", "payload.ops[0].value")]
    public async Task InvalidOps_AreRejectedBeforeAnythingIsStored(string ops, string field)
    {
        var error = await Assert.ThrowsAsync<TaskValidationException>(() => Tasks.SubmitAsync(Spec("document", "transaction", $$"""{"ops":{{ops}}}""")));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Empty(await TaskIndex.ListAsync(new Queries.TaskQuery()));
    }
}

public sealed class TransactionTestsOnSqlite() : TransactionTests(new SqliteUnderTest());

public sealed class TransactionTestsOnPostgres() : TransactionTests(new PostgresUnderTest());

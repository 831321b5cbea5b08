using Stackl.Contracts;

namespace Stackl.Tasks.Tests;

/// <summary>The built-in document handlers, history and listings; subclassed once per engine.</summary>
public abstract class DocumentHandlerTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    [Fact]
    public async Task Put_NewDocument_CommitsVersionOneWithHistory()
    {
        var task = await PutAsync("environment/prod", """{"replicas":3}""");

        AssertStatus(TaskStatus.Completed, task);
        var document = await Tasks.GetDocumentAsync("environment/prod");
        Assert.Equal(1, document.Version);
        Assert.Equal("""{"replicas":3}""", document.Value!.Value.GetRawText());
        Assert.Null(document.LockedBy);
        var history = await Documents.HistoryAsync("environment/prod", null, 10);
        var entry = Assert.Single(history);
        Assert.Equal((1L, task.Id), (entry.Version, entry.TaskId));
    }

    [Fact]
    public async Task Patch_MergesAndRemovesNullMembers()
    {
        await PutAsync("service/api", """{"image":"api:1","replicas":2,"debug":true}""");

        var task = await RunAsync(Spec("document", "patch", """{"key":"service/api","patch":{"image":"api:2","debug":null,"limits":{"cpu":1}}}"""));

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal("""{"image":"api:2","replicas":2,"limits":{"cpu":1}}""", await ValueAsync("service/api"));
    }

    [Fact]
    public async Task Delete_ExistingDocument_RemovesValueKeepsHistory()
    {
        await PutAsync("service/old", "1");

        AssertStatus(TaskStatus.Completed, await RunAsync(Spec("document", "delete", """{"key":"service/old"}""")));

        var document = await Tasks.GetDocumentAsync("service/old");
        Assert.Null(document.Value);
        Assert.Equal(2, document.Version);
        Assert.Equal(2, (await Documents.HistoryAsync("service/old", null, 10)).Count);
        Assert.Empty(await Documents.ListAsync("service/", null, 10));
    }

    [Fact]
    public async Task Delete_MissingDocument_FailsNotFound()
    {
        var task = await RunAsync(Spec("document", "delete", """{"key":"service/never"}"""));

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(ErrorCodes.NotFound, task.Error!.Code);
    }

    [Fact]
    public async Task Restore_EarlierVersion_BecomesNewVersion()
    {
        await PutAsync("config/app", """{"v":1}""");
        await PutAsync("config/app", """{"v":2}""");

        var task = await RunAsync(Spec("document", "restore", """{"key":"config/app","version":1}"""));

        AssertStatus(TaskStatus.Completed, task);
        var document = await Tasks.GetDocumentAsync("config/app");
        Assert.Equal((3L, """{"v":1}"""), (document.Version, document.Value!.Value.GetRawText()));
        var version2 = await Documents.GetVersionAsync("config/app", 2);
        Assert.Equal("""{"v":2}""", version2!.Value!.Value.GetRawText());
    }

    [Fact]
    public async Task Restore_UnknownVersion_FailsNotFoundAndChangesNothing()
    {
        await PutAsync("config/app", """{"v":1}""");

        var task = await RunAsync(Spec("document", "restore", """{"key":"config/app","version":7}"""));

        Assert.Equal(ErrorCodes.NotFound, task.Error!.Code);
        Assert.Equal(1, (await Tasks.GetDocumentAsync("config/app")).Version);
    }

    [Fact]
    public async Task List_ByPrefixWithPaging_ReturnsExistingDocumentsInKeyOrder()
    {
        foreach (var name in new[] { "c", "a", "b", "d" })
        {
            await PutAsync($"env/{name}", "1");
        }

        await PutAsync("envy/x", "1");
        await PutAsync("other/a", "1");

        var first = await Documents.ListAsync("env/", null, 3);
        var second = await Documents.ListAsync("env/", first[^1].Key, 3);

        Assert.Equal(["env/a", "env/b", "env/c"], first.Select(d => d.Key));
        Assert.Equal(["env/d"], second.Select(d => d.Key));
    }

    [Fact]
    public async Task History_PagesNewestFirst()
    {
        for (var i = 1; i <= 5; i++)
        {
            await PutAsync("counter/a", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var page = await Documents.HistoryAsync("counter/a", 4, 2);

        Assert.Equal([3L, 2L], page.Select(e => e.Version));
    }
}

public sealed class DocumentHandlerTestsOnSqlite() : DocumentHandlerTests(new SqliteUnderTest());

public sealed class DocumentHandlerTestsOnPostgres() : DocumentHandlerTests(new PostgresUnderTest());

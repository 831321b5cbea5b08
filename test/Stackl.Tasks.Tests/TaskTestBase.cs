using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Tasks.Queries;

namespace Stackl.Tasks.Tests;

/// <summary>One test silo with the task domain on a fresh database of one engine, with short deadlines so recovery is quick.</summary>
public abstract class TaskTestBase(IEngineUnderTest engine) : IAsyncLifetime
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    protected TestGates Gates { get; } = new();

    protected SideEffectJournal Journal { get; } = new();

    protected TestSilo Host { get; private set; } = null!;

    protected TaskService Tasks => Host.Services.GetRequiredService<TaskService>();

    protected FaultInjector Faults => Host.Services.GetRequiredService<FaultInjector>();

    protected IDocumentIndex Documents => Host.Services.GetRequiredService<IDocumentIndex>();

    protected ITaskIndex TaskIndex => Host.Services.GetRequiredService<ITaskIndex>();

    public async Task InitializeAsync()
    {
        var storage = await engine.CreateAsync();
        Host = await TestSilo.StartAsync(
            silo =>
            {
                storage(silo);
                silo.AddTestStackl();
            },
            services => services.AddSingleton(Gates).AddSingleton(Journal));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        engine.Dispose();
    }

    protected static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    protected static TaskSpec Spec(string topic, string subtype, string payload, TimeSpan? timeout = null, IReadOnlyList<string>? documents = null, string? idempotencyKey = null) =>
        new(topic, subtype, Json(payload), documents, timeout, idempotencyKey);

    /// <summary>Submits and waits for a final status.</summary>
    protected async Task<TaskView> RunAsync(TaskSpec spec)
    {
        var submitted = await Tasks.SubmitAsync(spec);
        return await FinalAsync(submitted.Id);
    }

    protected async Task<TaskView> FinalAsync(string id)
    {
        var view = await Tasks.GetAsync(id, Wait);
        Assert.True(view is not null, $"task {id} is unknown");
        if (!view.Status.IsFinal())
        {
            Assert.Fail($"task {id} did not become final within {Wait.TotalSeconds} s; it is {view.Status}: {await DescribeAsync(view)}");
        }

        return view;
    }

    /// <summary>A task with the locks of its documents, their waiters and their owners, for failure messages.</summary>
    protected async Task<string> DescribeAsync(TaskView view)
    {
        var text = new System.Text.StringBuilder(System.Text.Json.JsonSerializer.Serialize(view, ContractsJsonContext.Default.TaskView));
        foreach (var key in view.Documents)
        {
            var document = await Tasks.GetDocumentAsync(key);
            var waiting = await Tasks.GetLockWaitersAsync(key);
            text.Append($"\n  {key} v{document.Version} locked by {document.LockedBy ?? "nobody"}, waiting: [{string.Join(", ", waiting)}]");
            if (document.LockedBy is { } owner && owner != view.Id && await Tasks.GetAsync(owner) is { } holder)
            {
                text.Append($"\n    owner: {System.Text.Json.JsonSerializer.Serialize(holder, ContractsJsonContext.Default.TaskView)}");
            }
        }

        return text.ToString();
    }

    protected Task<TaskView> PutAsync(string key, string value) => RunAsync(Spec("document", "put", $$"""{"key":"{{key}}","value":{{value}}}"""));

    protected async Task<string?> ValueAsync(string key) => (await Tasks.GetDocumentAsync(key)).Value?.GetRawText();

    protected static void AssertStatus(TaskStatus expected, TaskView task) =>
        Assert.True(task.Status == expected, $"task {task.Id} ({task.Topic}/{task.Subtype}) is {task.Status}, expected {expected}; error: {task.Error}");

    /// <summary>Restarts the silo after a kill on the same database.</summary>
    protected async Task RestartAsync()
    {
        await Host.KillAsync();
        await Host.RestartAsync();
    }

    /// <summary>Waits until no document is locked (the laws' progress condition).</summary>
    protected Task NoLocksAsync() =>
        Eventually.ValueAsync("every document lock is released", async () => (await Documents.ListLocksAsync(100)).Count, n => n == 0, Wait);

    /// <summary>Arms <paramref name="point"/> to kill the silo, submits, and returns the id of the task that reached it.</summary>
    protected async Task<string> SubmitAndKillAtAsync(FaultPoint point, TaskSpec spec)
    {
        var killed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Faults.Arm(point, taskId =>
        {
            Host.Kill();
            killed.TrySetResult(taskId);
        });
        var submitted = await Tasks.SubmitAsync(spec);
        var killedTask = await killed.Task.WaitAsync(Wait);
        Assert.Equal(submitted.Id, killedTask);
        return submitted.Id;
    }
}

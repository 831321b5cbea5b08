using System.CommandLine;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary><c>keys create|list|revoke|generate</c>.</summary>
internal static class KeyCommands
{
    /// <summary>Adds the commands to the root.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="run">Binds an action with the CLI's error handling.</param>
    public static void Add(RootCommand root, CommandRunner run)
    {
        var keys = new Command("keys", "Create, list and revoke API keys (needs an admin key: --api-key or STACKL_API_KEY)");

        var name = new Option<string>("--name") { Description = "A unique name; tasks submitted with the key carry it as their source", HelpName = "name", Required = true };
        var role = new Option<string>("--role") { Description = "admin, operator, producer, reader, or a role configured under Stackl:Auth:Roles", HelpName = "role", Required = true };
        var create = new Command("create", "Create a key and print it once (only its hash is stored)") { name, role };
        run.Bind(create, async (parse, context, cancellationToken) =>
        {
            var created = await context.Client.CreateKeyAsync(parse.GetValue(name)!, parse.GetValue(role)!, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, created, ContractsJsonContext.Default.CreatedApiKey);
                return ExitCodes.Success;
            }

            context.Out.WriteLine(created.Key);
            context.Err.WriteLine($"Created key {created.Description.Id} '{created.Description.Name}' with role {created.Description.Role}. It is shown this once: store it now.");
            return ExitCodes.Success;
        });
        keys.Add(create);

        var list = new Command("list", "List the keys (never their secrets), revoked ones included");
        run.Bind(list, async (_, context, cancellationToken) =>
        {
            var all = await context.Client.ListKeysAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, all, ContractsJsonContext.Default.IReadOnlyListApiKeyView);
                return ExitCodes.Success;
            }

            CliOutput.Table(context.Out, ["ID", "NAME", "ROLE", "CREATED", "BY", "REVOKED"], [.. all.Select(k => new[]
            {
                k.Id, k.Name, k.Role, CliOutput.Time(k.Created), k.CreatedBy, k.Revoked is { } at ? CliOutput.Time(at) : "",
            })]);
            return ExitCodes.Success;
        });
        keys.Add(list);

        var key = new Argument<string>("key") { Description = "The key's id or name" };
        var revoke = new Command("revoke", "Revoke a key; every silo refuses it within seconds") { key };
        run.Bind(revoke, async (parse, context, cancellationToken) =>
        {
            var revoked = await context.Client.RevokeKeyAsync(parse.GetValue(key)!, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, revoked, ContractsJsonContext.Default.ApiKeyView);
                return ExitCodes.Success;
            }

            context.Out.WriteLine($"Revoked key {revoked.Id} '{revoked.Name}' at {CliOutput.Time(revoked.Revoked ?? DateTimeOffset.MinValue)}.");
            return ExitCodes.Success;
        });
        keys.Add(revoke);

        var generate = new Command("generate", "Print a new random key without contacting a silo (for Stackl:Auth:BootstrapKey, from a secret store)");
        run.Bind(generate, (_, context, _) =>
        {
            context.Out.WriteLine(ApiKeyFormat.Generate().Key);
            return Task.FromResult(ExitCodes.Success);
        });
        keys.Add(generate);
        root.Add(keys);
    }
}

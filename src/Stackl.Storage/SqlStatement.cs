using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;

namespace Stackl.Storage;

/// <summary>One SQL statement with named parameters (<c>@name</c> in the text).</summary>
/// <param name="Sql">The statement text, the same for every call of one kind so engines can reuse its plan.</param>
/// <param name="Parameters">The parameter values by name (without the <c>@</c>); null becomes SQL NULL.</param>
public sealed record SqlStatement(string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters)
{
    /// <summary>Creates a statement from name/value pairs.</summary>
    /// <param name="sql">The statement text.</param>
    /// <param name="parameters">The parameters.</param>
    public static SqlStatement Of(string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new SqlStatement(sql, [.. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))]);
    }

    // Statement texts come from a fixed set of templates; the bound only guards against a caller that builds unique texts.
    private const int MaxCachedPositionalForms = 1024;

    private static readonly ConcurrentDictionary<string, PositionalForm> s_positionalForms = new(StringComparer.Ordinal);

    /// <summary>
    /// PostgreSQL: binds the values as unnamed parameters in the order of a <c>$1, $2...</c> form of the text, and returns that text.
    /// Npgsql sends such a statement as it is; with <c>@name</c> parameters it parses and rewrites the SQL text on every execution.
    /// </summary>
    internal string BindPositional(Func<DbParameter> create, DbParameterCollection target)
    {
        if (!s_positionalForms.TryGetValue(Sql, out var form))
        {
            form = PositionalForm.Of(Sql);
            if (s_positionalForms.Count < MaxCachedPositionalForms)
            {
                s_positionalForms.TryAdd(Sql, form);
            }
        }

        foreach (var name in form.Names)
        {
            var parameter = create();
            SetValue(parameter, ValueOf(name));
            target.Add(parameter);
        }

        return form.Sql;
    }

    /// <summary>
    /// SQLite: binds by the prefixed name (<c>@k</c>), which Microsoft.Data.Sqlite finds in one lookup; an unprefixed name costs a failed
    /// lookup plus one string and one lookup per prefix it tries, on every execution. A prepared command's parameters are reused when
    /// its statement has the same names, so a write allocates no parameter objects.
    /// </summary>
    internal void BindToSqlite(DbCommand command)
    {
        var target = command.Parameters;
        if (target.Count == Parameters.Count)
        {
            var same = true;
            for (var i = 0; i < Parameters.Count && same; i++)
            {
                same = target[i].ParameterName.AsSpan(1).SequenceEqual(Parameters[i].Key);
            }

            if (same)
            {
                for (var i = 0; i < Parameters.Count; i++)
                {
                    SetValue(target[i], Parameters[i].Value);
                }

                return;
            }
        }

        target.Clear();
        foreach (var (name, value) in Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            SetValue(parameter, value);
            target.Add(parameter);
        }
    }

    private object? ValueOf(string name)
    {
        foreach (var (parameterName, value) in Parameters)
        {
            if (parameterName == name)
            {
                return value;
            }
        }

        throw new InvalidOperationException($"The statement uses @{name} but has no value for it: {Sql}");
    }

    // A statement text always passes the same kind of value at one position (a blob stays a blob or null), so a reused parameter
    // never needs its type reset.
    private static void SetValue(DbParameter parameter, object? value)
    {
        parameter.Value = value ?? DBNull.Value;
        if (value is byte[])
        {
            parameter.DbType = System.Data.DbType.Binary;
        }
    }

    /// <summary>A statement text with <c>$1, $2...</c> in place of its <c>@names</c>, and the names in that order.</summary>
    private sealed record PositionalForm(string Sql, string[] Names)
    {
        public static PositionalForm Of(string sql)
        {
            var names = new List<string>();
            var text = new StringBuilder(sql.Length);
            var inLiteral = false;
            for (var i = 0; i < sql.Length; i++)
            {
                var c = sql[i];
                if (c == '\'')
                {
                    inLiteral = !inLiteral;
                }

                if (!inLiteral && c == '@' && i + 1 < sql.Length && (char.IsAsciiLetter(sql[i + 1]) || sql[i + 1] == '_'))
                {
                    var end = i + 1;
                    while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_'))
                    {
                        end++;
                    }

                    var name = sql[(i + 1)..end];
                    var index = names.IndexOf(name);
                    if (index < 0)
                    {
                        names.Add(name);
                        index = names.Count - 1;
                    }

                    text.Append('$').Append(index + 1);
                    i = end - 1;
                    continue;
                }

                text.Append(c);
            }

            return new PositionalForm(text.ToString(), [.. names]);
        }
    }
}

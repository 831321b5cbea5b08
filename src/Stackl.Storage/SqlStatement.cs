using System.Data.Common;

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

    internal void BindTo(Func<DbParameter> create, DbParameterCollection target)
    {
        foreach (var (name, value) in Parameters)
        {
            var parameter = create();
            parameter.ParameterName = name;
            SetValue(parameter, value);
            target.Add(parameter);
        }
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
}

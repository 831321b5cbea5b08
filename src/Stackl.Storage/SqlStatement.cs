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
            parameter.Value = value ?? DBNull.Value;
            if (value is byte[])
            {
                parameter.DbType = System.Data.DbType.Binary;
            }

            target.Add(parameter);
        }
    }
}

using Stackl.Contracts;

namespace Stackl.Tasks;

/// <summary>Validates document keys: <c>type/name</c> or deeper, each segment of lowercase letters, digits, '-', '_' or '.', none named <c>history</c>.</summary>
public static class DocumentKey
{
    /// <summary>The longest key accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>A segment no key may have: it names a document's history in the HTTP API.</summary>
    public const string ReservedSegment = "history";

    /// <summary>Throws a <see cref="TaskValidationException"/> naming the problem when <paramref name="key"/> is not a valid key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="field">The request field it came from, for the message.</param>
    public static string Validate(string? key, string field = "key")
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new TaskValidationException(ErrorCodes.InvalidDocumentKey, $"{field} is empty; a document key looks like type/name, e.g. environment/prod.");
        }

        if (key.Length > MaxLength)
        {
            throw new TaskValidationException(ErrorCodes.InvalidDocumentKey, $"{field} is {key.Length} characters long; at most {MaxLength} are allowed.");
        }

        var segments = key.Split('/');
        if (segments.Length < 2)
        {
            throw new TaskValidationException(ErrorCodes.InvalidDocumentKey, $"{field} '{key}' has no type: a document key looks like type/name, e.g. environment/prod.");
        }

        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new TaskValidationException(ErrorCodes.InvalidDocumentKey, $"{field} '{key}' has an empty, '.' or '..' segment.");
            }

            if (segment == ReservedSegment)
            {
                throw new TaskValidationException(ErrorCodes.InvalidDocumentKey, $"{field} '{key}' has a segment named '{ReservedSegment}', which is reserved: the HTTP API reads a document's history at /api/documents/{{key}}/{ReservedSegment}.");
            }

            foreach (var c in segment)
            {
                if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
                {
                    throw new TaskValidationException(ErrorCodes.InvalidDocumentKey, $"{field} '{key}' contains '{c}'; use lowercase letters, digits, '-', '_' and '.' in each segment.");
                }
            }
        }

        return key;
    }
}

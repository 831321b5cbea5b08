using Microsoft.Extensions.Options;

namespace Stackl.Silo.Limits;

/// <summary>Validates <see cref="LimitOptions"/> at start.</summary>
internal sealed class LimitOptionsValidation : IValidateOptions<LimitOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException invalid)
        {
            return ValidateOptionsResult.Fail(invalid.Message);
        }
    }
}

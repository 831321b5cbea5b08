using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>The principal of an API request, as <see cref="AuthGate"/> established it.</summary>
internal static class Callers
{
    /// <summary>The request's principal: the authenticated key or token, or <see cref="StacklPrincipal.Anonymous"/> where the API is open.</summary>
    public static StacklPrincipal Caller(this HttpContext context) =>
        context.Features.Get<StacklPrincipal>() ?? throw new InvalidOperationException("No caller: the endpoint is outside the paths the auth gate covers.");
}

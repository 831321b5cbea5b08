using System.Collections;
using System.Reflection;
using System.Text.Json;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;

namespace Stackl.Testing;

/// <summary>Checks that every argument and result type of every grain interface round-trips through the silo's Orleans serializer and copier.</summary>
/// <remarks>This is what lets the same calls cross silos: a type Orleans cannot serialize fails here, not in production.</remarks>
public static class GrainMessageSerialization
{
    private static readonly MethodInfo s_serialize = typeof(Serializer).GetMethods().Single(m => m.Name == nameof(Serializer.SerializeToArray) && m.IsGenericMethodDefinition && m.GetParameters().Length == 1);
    private static readonly MethodInfo s_deserialize = typeof(Serializer).GetMethods().Single(m => m.Name == nameof(Serializer.Deserialize) && m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(byte[]));
    private static readonly MethodInfo s_copy = typeof(DeepCopier).GetMethods().Single(m => m.Name == nameof(DeepCopier.Copy) && m.IsGenericMethodDefinition);

    /// <summary>Builds a sample of each message type, serializes it with Orleans, reads it back, copies it, and compares their JSON.</summary>
    /// <param name="services">A silo's (or client's) services: its <see cref="Serializer"/> and <see cref="DeepCopier"/>.</param>
    /// <param name="json">The options that render a value for the comparison.</param>
    /// <param name="assemblies">Assemblies whose grain interfaces are checked.</param>
    /// <returns>The message types checked.</returns>
    /// <exception cref="InvalidOperationException">A type does not round-trip.</exception>
    public static IReadOnlyList<Type> AssertAllRoundTrip(IServiceProvider services, JsonSerializerOptions json, params Assembly[] assemblies)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(assemblies);
        var serializer = (Serializer)services.GetService(typeof(Serializer))!;
        var copier = (DeepCopier)services.GetService(typeof(DeepCopier))!;
        var checkedTypes = new List<Type>();
        foreach (var type in MessageTypes(assemblies))
        {
            var sample = Sample(type, depth: 0);
            var expected = JsonSerializer.Serialize(sample, type, json);
            object? back;
            object? copy;
            try
            {
                // Through the generic methods with the declared type, as a grain call's generated code does.
                var bytes = s_serialize.MakeGenericMethod(type).Invoke(serializer, [sample])!;
                back = s_deserialize.MakeGenericMethod(type).Invoke(serializer, [bytes]);
                copy = s_copy.MakeGenericMethod(type).Invoke(copier, [sample]);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
            {
                throw new InvalidOperationException($"Grain message type {type.FullName} does not serialize with Orleans: {inner.Message}", inner);
            }

            var again = JsonSerializer.Serialize(back, type, json);
            var copied = JsonSerializer.Serialize(copy, type, json);
            if (expected != again || expected != copied)
            {
                throw new InvalidOperationException($"Grain message type {type.FullName} does not round-trip: wrote {expected}, read back {again}, copied {copied}.");
            }

            checkedTypes.Add(type);
        }

        return checkedTypes;
    }

    private static IEnumerable<Type> MessageTypes(Assembly[] assemblies)
    {
        var seen = new HashSet<Type>();
        var interfaces = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && t != typeof(IGrainWithStringKey) && t != typeof(IGrain));
        foreach (var grainInterface in interfaces)
        {
            foreach (var method in grainInterface.GetMethods())
            {
                var types = method.GetParameters().Select(p => p.ParameterType).ToList();
                if (method.ReturnType.IsGenericType)
                {
                    types.Add(method.ReturnType.GetGenericArguments()[0]);
                }

                foreach (var type in types.Where(seen.Add))
                {
                    yield return type;
                }
            }
        }
    }

    private static object? Sample(Type type, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return Sample(underlying, depth);
        }

        if (type == typeof(string))
        {
            return "sample";
        }

        if (type == typeof(bool))
        {
            return true;
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return Convert.ChangeType(7, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.Length > 1 ? values.GetValue(1) : values.GetValue(0);
        }

        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        }

        if (type == typeof(DateTime))
        {
            return new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromSeconds(90);
        }

        if (type == typeof(Guid))
        {
            return new Guid("0b7f6f0e-3c2a-4a77-9f55-1d2b3c4d5e6f");
        }

        if (type == typeof(JsonElement))
        {
            return JsonDocument.Parse("""{"sample":[1,"two",true]}""").RootElement.Clone();
        }

        if (depth > 4)
        {
            return null;
        }

        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Sample(type.GetElementType()!, depth + 1), 0);
            return array;
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var arguments = type.GetGenericArguments();
            if (arguments.Length == 2)
            {
                var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
                dictionary.Add(Sample(arguments[0], depth + 1)!, Sample(arguments[1], depth + 1));
                return dictionary;
            }

            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(arguments[0]))!;
            list.Add(Sample(arguments[0], depth + 1));
            return list;
        }

        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null)
        {
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }

        var instance = constructor.Invoke([.. constructor.GetParameters().Select(p => Sample(p.ParameterType, depth + 1))]);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0))
        {
            if (property.GetValue(instance) is null || property.PropertyType.IsValueType)
            {
                property.SetValue(instance, Sample(property.PropertyType, depth + 1));
            }
        }

        return instance;
    }
}

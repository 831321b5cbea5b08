// Orleans' implicit usings name the same types as Stackl.Runtime until the benchmarks move to Orleans.
global using Grain = Stackl.Runtime.Grain;
global using GrainId = Stackl.Runtime.GrainId;
global using GrainTypeAttribute = Stackl.Runtime.GrainTypeAttribute;
global using IGrainFactory = Stackl.Runtime.IGrainFactory;
global using IGrainWithStringKey = Stackl.Runtime.IGrainWithStringKey;
global using PersistentStateAttribute = Stackl.Runtime.PersistentStateAttribute;
global using ReminderEntry = Stackl.Runtime.Storage.ReminderEntry;
global using Silo = Stackl.Runtime.Hosting.Silo;

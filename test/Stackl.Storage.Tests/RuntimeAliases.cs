// Orleans' implicit usings name the same types as Stackl.Runtime until the stores move to Orleans.
global using GrainId = Stackl.Runtime.GrainId;

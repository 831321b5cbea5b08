// Stackl.Contracts.TaskStatus shares its name with System.Threading.Tasks.TaskStatus, which implicit usings import: one alias per project.
global using TaskStatus = Stackl.Contracts.TaskStatus;

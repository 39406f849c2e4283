"""Typed bindings for the providers built into sheath (random, local, terraform).

Each class is a resource (or data source) type of the provider; its constructor takes
the resource name, then the schema's arguments as keywords, then the meta-arguments
(count, for_each, depends_on, lifecycle, provider). Written from the schemas in
sheath.providers.native and the builtin terraform provider; bindings generated from
plugin providers' schemas (AWS) are not implemented yet.
"""

locals {
  merged = merge(
  var.tags,
      {
        Name = "x"
      },
    )
  joined = join(",",
    var.list)
  formatted = format("%s-%s",
                     var.a,
                     var.b
                    )
  cidr = cidrsubnet(var.vpc_cidr,8,count.index)
  expanded = max(var.numbers...)
  nested = lower(replace(trimspace(var.s)," ","-"))
  provider_fn = provider::terraform::encode_tfvars({a=1})
}

# an import target in a module the configuration does not call stops terraform's graph
# building: the local cycle below is not reported
import {
  to = module.m.terraform_data.a
  id = "x"
}

import {
  to = module.n["k"].terraform_data.a["z"]
  id = "x"
}

locals {
  a = local.b
  b = local.a
}

module "child" {
  source = "./child"
  count  = 2
  index  = count.index
}

import {
  to = module.child[1].terraform_data.thing
  id = "imported-into-module"
}

output "ids" {
  value = module.child[*].id
}

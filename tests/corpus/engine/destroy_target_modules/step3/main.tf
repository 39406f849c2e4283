# targeted destroys in modules: instances of counted and for_each modules, module targets,
# a module that uses a whole other module (module.m[each.value]) depends on all of it
module "m" {
  source = "./m"
  count  = 2
  name   = "m${count.index}"
}

module "n" {
  source   = "./n"
  for_each = { one = 0, two = 1 }
  seed     = module.m[each.value].last
}

resource "terraform_data" "b" {
  count = 3
  input = "b${count.index}"
}

resource "terraform_data" "c" {
  count = 2
  input = terraform_data.b[count.index].output
}

resource "terraform_data" "root_uses_m0" {
  input = module.m[0].last
}

resource "terraform_data" "free" {
  input = "free"
}

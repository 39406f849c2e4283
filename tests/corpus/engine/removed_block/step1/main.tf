resource "terraform_data" "forget_me" {
  input = "forgotten but not destroyed"
}

resource "terraform_data" "forget_many" {
  count = 2
  input = count.index
}

module "mod" {
  source = "./mod"
}

resource "terraform_data" "stays" {
  input = "stays"
}

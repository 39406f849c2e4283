resource "terraform_data" "fraction" {
  count = 1.5
}

resource "terraform_data" "huge" {
  count = 1e30
}

module "m" {
  source = "./m"
  count  = 2.5
}

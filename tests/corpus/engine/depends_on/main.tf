resource "terraform_data" "first" {
  input = "first"
}

resource "terraform_data" "second" {
  input      = "second"
  depends_on = [terraform_data.first]
}

resource "terraform_data" "third" {
  count      = 2
  input      = "third-${count.index}"
  depends_on = [terraform_data.second, module.child]
}

module "child" {
  source     = "./child"
  depends_on = [terraform_data.first]
}

output "order" {
  value      = [terraform_data.first.input, terraform_data.second.input]
  depends_on = [terraform_data.third]
}

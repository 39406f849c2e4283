module "c" {
  source     = "./child"
  count      = 2
  depends_on = [terraform_data.x]
  label      = "n-${count.index}"
}
resource "terraform_data" "x" {}
output "labels" {
  value = module.c[*].label
}

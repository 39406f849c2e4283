module "c" {
  source = "./nope"
}

module "m" {
  source = "./m"
  n      = -1
  s      = 5
}

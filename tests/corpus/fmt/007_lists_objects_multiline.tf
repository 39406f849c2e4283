locals {
  subnets = [
  "10.0.1.0/24",
      "10.0.2.0/24",
    "10.0.3.0/24"
  ]
  azs = ["us-east-1a","us-east-1b" ,  "us-east-1c"]
  nested = {
    a = [1,2,3]
    bb = {
      x = 1
        yy = [
          { name = "one", value = 1 },
          {name="two",value=2},
        ]
    }
  }
  mixed = [
    for s in var.subnets : {
      cidr = s
        az = element(local.azs, 0)
    }
  ]
}

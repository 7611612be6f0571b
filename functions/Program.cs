Baocao.BaocaoApp.BuildWorker(args).Run();

